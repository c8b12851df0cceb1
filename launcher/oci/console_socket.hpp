// `terminal: true`: the runtime makes a pty, the container process gets its slave side as stdin,
// stdout, stderr and controlling terminal, and the master goes to the engine through
// --console-socket: connect to the unix socket, one sendmsg with the pty's name as payload and
// exactly one SCM_RIGHTS message carrying exactly one fd (what containerd's go-runc accepts;
// runc does the same).  No reply comes.
#pragma once

#include <string>

#include "launcher/common/unique_fd.hpp"

namespace er::launcher::oci {

struct Pty {
    UniqueFd master;
    UniqueFd slave;
    std::string name;  // /dev/pts/N
};

// Opens a new pty pair (both O_CLOEXEC, the slave O_NOCTTY).  Throws Error.
Pty open_pty();

// Sends `fd` with `name` as payload to the unix socket at `socket_path`.  Throws Error naming the
// socket.
void send_console(const std::string& socket_path, int fd, const std::string& name);

}  // namespace er::launcher::oci
