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
    ssize_t n = send_with_fd(sock.get(), name.data(), name.size(), fd);
    if (n < 0) throw_errno("cannot send the pty to the console socket", socket_path);
}

}  // namespace er::launcher::oci
