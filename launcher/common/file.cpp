#include "launcher/common/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "launcher/common/error.hpp"

namespace er::launcher {
namespace {

// One pread at a time stays below Linux's per-call cap (0x7ffff000 bytes).
constexpr uint64_t kMaxChunk = 1ull << 30;

// Reads [from, to) of the file into dest (dest[0] is file offset 0).
void read_range(const InputFile& file, std::span<uint8_t> dest, uint64_t from, uint64_t to,
                const std::string& changed) {
    while (from < to) {
        uint64_t want = to - from < kMaxChunk ? to - from : kMaxChunk;
        ssize_t n = ::pread(file.fd.get(), dest.data() + from, want, static_cast<off_t>(from));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("cannot read", file.path);
        if (n == 0) throw Error(changed, file.path);
        from += static_cast<uint64_t>(n);
    }
}

}  // namespace

const char* file_kind(unsigned mode) {
    switch (mode & S_IFMT) {
        case S_IFREG:
            return "a regular file";
        case S_IFDIR:
            return "a directory";
        case S_IFLNK:
            return "a symlink";
        case S_IFCHR:
            return "a character device";
        case S_IFBLK:
            return "a block device";
        case S_IFIFO:
            return "a FIFO";
        case S_IFSOCK:
            return "a socket";
        default:
            return "not a file, directory or symlink";
    }
}

InputFile open_input(const std::string& path, const char* noun, FollowLinks follow) {
    int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    if (follow == FollowLinks::no) flags |= O_NOFOLLOW;
    InputFile file;
    file.path = path;
    file.fd = UniqueFd(::open(path.c_str(), flags));
    if (!file.fd.valid()) {
        if (errno == ELOOP && follow == FollowLinks::no) {
            throw Error(std::string("is a symlink, not a ") + noun, path);
        }
        throw_errno("cannot open", path);
    }
    struct stat st {};
    if (::fstat(file.fd.get(), &st) != 0) throw_errno("cannot stat", path);
    if (!S_ISREG(st.st_mode)) {
        throw Error(std::string("is ") + file_kind(st.st_mode) + ", not a " + noun, path);
    }
    // A regular file ignores O_NONBLOCK today; clear it anyway so no read can see EAGAIN.
    int fl = ::fcntl(file.fd.get(), F_GETFL);
    if (fl < 0 || ::fcntl(file.fd.get(), F_SETFL, fl & ~O_NONBLOCK) != 0) {
        throw_errno("cannot clear O_NONBLOCK", path);
    }
    file.size = static_cast<uint64_t>(st.st_size);
    return file;
}

void read_input_into(const InputFile& file, std::span<uint8_t> dest, const std::string& changed) {
    if (dest.size() != file.size) throw Error("internal: destination size mismatch", file.path);
    uint64_t at = 0;
    while (at < file.size) {
        off_t data = ::lseek(file.fd.get(), static_cast<off_t>(at), SEEK_DATA);
        if (data < 0 && errno == ENXIO) break;  // only a hole (or nothing) from here on
        uint64_t hole = file.size;
        if (data < 0) {
            // A file system without SEEK_DATA: read everything.
            if (errno != EINVAL) throw_errno("cannot seek", file.path);
            data = static_cast<off_t>(at);
        } else {
            off_t h = ::lseek(file.fd.get(), data, SEEK_HOLE);
            if (h < 0) throw_errno("cannot seek", file.path);
            hole = static_cast<uint64_t>(h);
        }
        auto from = static_cast<uint64_t>(data);
        if (from >= file.size) break;
        if (hole > file.size) hole = file.size;
        read_range(file, dest, from, hole, changed);
        at = hole;
    }
    // A file cut short reads as holes above; compare its size now with the one at open.
    struct stat st {};
    if (::fstat(file.fd.get(), &st) != 0) throw_errno("cannot stat", file.path);
    if (static_cast<uint64_t>(st.st_size) != file.size) throw Error(changed, file.path);
}

Mapping read_input_mapped(const InputFile& file) {
    if (file.size == 0) return {};
    Mapping m = map_anonymous(file.size, file.path.c_str());
    read_input_into(file, {m.data(), m.size()});
    return m;
}

std::vector<uint8_t> read_regular_file(const std::string& path, uint64_t max_size,
                                       const std::string& too_big, const char* noun) {
    InputFile file = open_input(path, noun);
    if (file.size > max_size) throw Error(too_big);
    std::vector<uint8_t> bytes(file.size);
    read_input_into(file, bytes, "file changed size while being read");
    return bytes;
}

}  // namespace er::launcher
