// Unix stream sockets by path, as the launcher's control sockets, the enclave host and the OCI
// console socket use them: one place that checks the path fits sun_path, so every caller refuses
// an over-long path with the same clear error instead of truncating it.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "launcher/common/unique_fd.hpp"

namespace er::launcher {

// Connects to the socket at `path`.  `what` names it in errors ("the enclave host").  Throws
// Error naming the path (and errno) when it is empty, too long, or nobody listens there.
UniqueFd connect_unix(const std::string& path, const std::string& what);

// Binds a new socket at `path` (which must not exist) and listens with `backlog`.  Throws Error
// naming the path and errno.
UniqueFd listen_unix(const std::string& path, const std::string& what, int backlog);

// Sends `len` bytes at `data` on `sock` with the descriptor `fd` attached (SCM_RIGHTS; fd < 0:
// none), MSG_NOSIGNAL, retried on EINTR.  Returns sendmsg's result (-1 with errno).  Allocates
// nothing, so a child may call it between fork and exec (the socket factory does).
ssize_t send_with_fd(int sock, const void* data, size_t len, int fd);

}  // namespace er::launcher
