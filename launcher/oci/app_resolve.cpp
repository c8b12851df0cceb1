#include "launcher/oci/app_resolve.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/vm/app_image.hpp"

namespace er::launcher::oci {
namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

UniqueFd open_in_root(int root_fd, const std::string& path) {
    open_how how{};
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return UniqueFd(
        static_cast<int>(::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how)));
}

std::string path_variable(const std::vector<std::string>& env) {
    for (const std::string& kv : env) {
        if (kv.rfind("PATH=", 0) == 0) return kv.substr(5);
    }
    return kDefaultPath;
}

// A candidate that exists but is no program is an error at once (as execve's would be); one that
// does not exist lets the PATH search go on.
bool usable(const UniqueFd& fd, const std::string& where, const std::string& arg0) {
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_errno("cannot stat", where);
    if (S_ISDIR(st.st_mode)) return false;
    if (!S_ISREG(st.st_mode)) {
        throw Error("process.args[0] " + arg0 + ": " + where + " is " + file_kind(st.st_mode) +
                    ", not a program");
    }
    if ((st.st_mode & 0111) == 0) {
        throw Error("process.args[0] " + arg0 + ": " + where + " is not executable");
    }
    return true;
}

}  // namespace

ResolvedApp resolve_app(const std::string& rootfs, const std::string& arg0,
                        const std::vector<std::string>& env) {
    UniqueFd root(::open(rootfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root.valid()) throw_errno("root.path cannot be opened as a directory", rootfs);

    std::vector<std::string> candidates;
    if (arg0.find('/') != std::string::npos) {
        candidates.push_back(arg0);
    } else {
        std::string path = path_variable(env);
        size_t start = 0;
        while (start <= path.size()) {
            size_t colon = path.find(':', start);
            if (colon == std::string::npos) colon = path.size();
            std::string dir = path.substr(start, colon - start);
            if (dir.empty()) dir = "/";  // an empty PATH entry is the cwd, which is / here
            candidates.push_back(dir + "/" + arg0);
            start = colon + 1;
        }
    }
    ResolvedApp app;
    for (const std::string& c : candidates) {
        UniqueFd fd = open_in_root(root.get(), c);
        if (!fd.valid()) {
            if (errno == ENOENT || errno == ENOTDIR) continue;
            if (errno == ENOSYS) throw Error("this kernel has no openat2 (Linux 5.6 or later)");
            throw_errno("process.args[0] " + arg0 + ": cannot open " + c + " in the rootfs");
        }
        if (!usable(fd, c, arg0)) continue;
        app.fd = std::move(fd);
        app.path_in_root = c;
        break;
    }
    if (!app.fd.valid()) {
        throw Error("process.args[0] " + arg0 + ": no such file in the rootfs" +
                    (arg0.find('/') != std::string::npos ? "" : " (searched PATH)"));
    }
    // Checked here, at create, with the guest's own ELF parser: a dynamic binary, a 32-bit one
    // or a script is refused now with its reason, not when the container starts.
    InputFile file = open_input("/proc/self/fd/" + std::to_string(app.fd.get()), "program file");
    Mapping bytes = read_input_mapped(file);
    check_app_elf({bytes.data(), bytes.size()},
                  "process.args[0] " + arg0 + " (" + app.path_in_root + " in the rootfs)");
    return app;
}

}  // namespace er::launcher::oci
