#include "launcher/common/unix_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "launcher/common/error.hpp"

namespace er::launcher {
namespace {

sockaddr_un address_of(const std::string& path, const std::string& what) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path) {
        throw Error(what + ": the socket path is empty or longer than " +
                        std::to_string(sizeof addr.sun_path - 1) + " bytes",
                    path);
    }
    std::memcpy(addr.sun_path, path.data(), path.size());
    return addr;
}

UniqueFd new_socket(const std::string& path, const std::string& what) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) throw_errno(what + ": cannot create a socket", path);
    return fd;
}

}  // namespace

UniqueFd connect_unix(const std::string& path, const std::string& what) {
    sockaddr_un addr = address_of(path, what);
    UniqueFd fd = new_socket(path, what);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
        throw_errno("cannot connect to " + what, path);
    return fd;
}

UniqueFd listen_unix(const std::string& path, const std::string& what, int backlog) {
    sockaddr_un addr = address_of(path, what);
    UniqueFd fd = new_socket(path, what);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
        throw_errno(what + ": cannot bind the socket", path);
    if (::listen(fd.get(), backlog) != 0) {
        int err = errno;
        ::unlink(path.c_str());  // bound but useless: leave no socket file behind
        errno = err;
        throw_errno(what + ": cannot listen on the socket", path);
    }
    return fd;
}

ssize_t send_with_fd(int sock, const void* data, size_t len, int fd) {
    iovec iov{const_cast<void*>(data), len};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (fd >= 0) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    }
    ssize_t n;
    do {
        n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
}

}  // namespace er::launcher
