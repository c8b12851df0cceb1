#include "launcher/oci/state_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "launcher/common/dir_names.hpp"
#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/full_write.hpp"

namespace er::launcher::oci {
namespace {

constexpr uint64_t kMaxState = 1 << 20;

void make_dirs(const std::string& dir) {
    for (size_t pos = 1; pos <= dir.size(); ++pos) {
        if (pos != dir.size() && dir[pos] != '/') continue;
        std::string prefix = dir.substr(0, pos);
        if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
            throw_errno("cannot create the state directory", prefix);
        }
    }
}

UniqueFd lock_file(const std::string& path, int flags) {
    UniqueFd fd(::open(path.c_str(), flags | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) return fd;
    while (::flock(fd.get(), LOCK_EX) != 0) {
        if (errno != EINTR) throw_errno("cannot lock", path);
    }
    return fd;
}

}  // namespace

ContainerDir ContainerDir::create(const std::string& root, const std::string& id) {
    make_dirs(root);
    std::string path = root + "/" + id;
    if (::mkdir(path.c_str(), 0700) != 0) {
        if (errno == EEXIST) throw Error("container with id exists: " + id);
        throw_errno("cannot create the container directory", path);
    }
    UniqueFd lock = lock_file(path + "/lock", O_CREAT | O_EXCL);
    if (!lock.valid()) {
        int err = errno;
        ::rmdir(path.c_str());
        throw Error("cannot create the lock file", path + "/lock", err);
    }
    return ContainerDir(path, std::move(lock));
}

ContainerDir ContainerDir::open(const std::string& root, const std::string& id) {
    std::string path = root + "/" + id;
    UniqueFd lock = lock_file(path + "/lock", 0);
    if (!lock.valid()) {
        if (errno == ENOENT) throw Error("container does not exist: " + id);
        throw_errno("cannot open the lock file", path + "/lock");
    }
    // A delete that held the lock before us has unlinked it: this container is gone.  A create
    // still between mkdir and its first state.json counts as not there yet.
    struct stat st {};
    if (::stat((path + "/state.json").c_str(), &st) != 0) {
        throw Error("container does not exist: " + id);
    }
    return ContainerDir(path, std::move(lock));
}

bool ContainerDir::gate_exists() const {
    struct stat st {};
    return ::lstat(fifo_path().c_str(), &st) == 0;
}

void write_file_atomically(const std::string& path, const std::string& text, unsigned mode) {
    size_t slash = path.rfind('/');
    std::string tmp = path.substr(0, slash + 1) + "." + path.substr(slash + 1);
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
    if (!fd.valid()) throw_errno("cannot create", tmp);
    write_fully(fd.get(), reinterpret_cast<const uint8_t*>(text.data()), text.size());
    if (::fsync(fd.get()) != 0) throw_errno("cannot sync", tmp);
    fd.reset();
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw Error("cannot rename to " + path, tmp, err);
    }
}

void ContainerDir::write_state(const ContainerState& s) const {
    write_file_atomically(path_ + "/state.json", state_to_json(s), 0600);
}

ContainerState ContainerDir::read_state() const {
    std::string file = path_ + "/state.json";
    std::vector<uint8_t> bytes = read_regular_file(file, kMaxState, file + " is too large");
    return state_from_json(std::string(bytes.begin(), bytes.end()));
}

Status ContainerDir::status(const ContainerState& s) const {
    if (!container_process_alive(s)) return Status::stopped;
    return gate_exists() ? Status::created : Status::running;
}

void ContainerDir::remove() const {
    for (const char* name : {"/exec.fifo", "/state.json", "/.state.json", "/lock"}) {
        std::string file = path_ + name;
        if (::unlink(file.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove", file);
    }
    if (::rmdir(path_.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove", path_);
}

std::vector<std::string> list_container_ids(const std::string& root) {
    return dir_names(root, "the state directory", [&](const std::string& name) {
        struct stat st {};
        return ::stat((root + "/" + name + "/state.json").c_str(), &st) == 0;
    });
}

}  // namespace er::launcher::oci
