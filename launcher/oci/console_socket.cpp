#include "launcher/oci/console_socket.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "launcher/common/error.hpp"
#include "launcher/common/unix_socket.hpp"

namespace er::launcher::oci {

Pty open_pty() {
    Pty p;
    p.master = UniqueFd(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!p.master.valid()) throw_errno("cannot open a pty", "/dev/ptmx");
    if (::grantpt(p.master.get()) != 0 || ::unlockpt(p.master.get()) != 0) {
        throw_errno("cannot unlock the pty", "/dev/ptmx");
    }
    char name[128];
    if (::ptsname_r(p.master.get(), name, sizeof name) != 0) throw_errno("ptsname failed");
    p.name = name;
    p.slave = UniqueFd(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!p.slave.valid()) throw_errno("cannot open the pty", p.name);
    return p;
}

void send_console(const std::string& socket_path, int fd, const std::string& name) {
    UniqueFd sock = connect_unix(socket_path, "the console socket");
    iovec iov{};
    iov.iov_base = const_cast<char*>(name.data());
    iov.iov_len = name.size();
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    ssize_t n;
    do {
        n = ::sendmsg(sock.get(), &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw_errno("cannot send the pty to the console socket", socket_path);
}

}  // namespace er::launcher::oci
