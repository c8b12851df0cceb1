// Unix stream sockets by path, as the launcher's control sockets, the enclave host and the OCI
// console socket use them: one place that checks the path fits sun_path, so every caller refuses
// an over-long path with the same clear error instead of truncating it.
#pragma once

#include <string>

#include "launcher/common/unique_fd.hpp"

namespace er::launcher {

// Connects to the socket at `path`.  `what` names it in errors ("the enclave host").  Throws
// Error naming the path (and errno) when it is empty, too long, or nobody listens there.
UniqueFd connect_unix(const std::string& path, const std::string& what);

// Binds a new socket at `path` (which must not exist) and listens with `backlog`.  Throws Error
// naming the path and errno.
UniqueFd listen_unix(const std::string& path, const std::string& what, int backlog);

}  // namespace er::launcher
