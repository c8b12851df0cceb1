#include "sev/asid/state_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace er::sev::asid {
namespace {

bool set(const char* s) {
    return s != nullptr && s[0] != '\0';
}

[[noreturn]] void unsafe(const std::string& shown, const std::string& why) {
    throw AsidError("unsafe state directory " + shown + ": " + why + " (set " + kStateDirEnv +
                    " to a directory only this user can write)");
}

[[noreturn]] void os_error(const std::string& what, const std::string& shown, int err) {
    throw AsidError(what + " " + shown + ": " + std::strerror(err));
}

std::string octal_mode(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

// The checks on the opened directory itself (fstat, so nothing can be swapped in between).
void check_private(int fd, const std::string& shown) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) os_error("cannot stat state directory", shown, errno);
    if (!S_ISDIR(st.st_mode)) unsafe(shown, "it is not a directory");
    uid_t me = ::geteuid();
    if (st.st_uid != me)
        unsafe(shown, "it is owned by uid " + std::to_string(st.st_uid) +
                          ", not by this user (uid " + std::to_string(me) + ")");
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        unsafe(shown, "it is writable by group or others (mode " + octal_mode(st.st_mode) + ")");
}

}  // namespace

std::string choose_state_dir(const char* configured, uid_t euid, const char* xdg_runtime_dir) {
    if (set(configured)) return configured;
    if (euid == 0) return "/run/enclave-run";
    // XDG_RUNTIME_DIR is per user, 0700 and emptied at logout (the XDG base directory spec);
    // a relative value is not one, and is ignored as the spec asks.
    if (set(xdg_runtime_dir) && xdg_runtime_dir[0] == '/')
        return std::string(xdg_runtime_dir) + "/enclave-run";
    return "/tmp/enclave-run-" + std::to_string(euid);
}

std::string default_state_dir() {
    return choose_state_dir(std::getenv(kStateDirEnv), ::geteuid(), std::getenv("XDG_RUNTIME_DIR"));
}

launcher::UniqueFd open_private_dir(int parent_fd, const std::string& name,
                                    const std::string& shown, bool create) {
    bool created = false;
    if (create) {
        if (::mkdirat(parent_fd, name.c_str(), 0700) == 0) {
            created = true;
        } else if (errno != EEXIST) {
            os_error("cannot create state directory", shown, errno);
        }
    }
    // lstat first only for the clearer reason; the fstat below is the check that counts.
    struct stat st {};
    if (::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT && !create) return {};
        os_error("cannot stat state directory", shown, errno);
    }
    if (S_ISLNK(st.st_mode)) unsafe(shown, "it is a symlink");
    if (!S_ISDIR(st.st_mode)) unsafe(shown, "it is not a directory");
    launcher::UniqueFd fd(
        ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
        if (errno == ELOOP || errno == ENOTDIR) unsafe(shown, "it is a symlink or not a directory");
        os_error("cannot open state directory", shown, errno);
    }
    // A umask can only take bits away; this makes a directory we made exactly 0700.
    if (created && ::fchmod(fd.get(), 0700) != 0)
        os_error("cannot chmod state directory", shown, errno);
    check_private(fd.get(), shown);
    return fd;
}

}  // namespace er::sev::asid
