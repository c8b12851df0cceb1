// One domain's host sockets, named by small handles (0 .. ER_NET_MAX_SOCKETS-1).  The guest only
// ever sees handles: a handle names a socket of its own domain's table or nothing (-EBADF), so a
// domain can never reach another domain's socket, and never a host descriptor.
#pragma once

#include <array>
#include <cstdint>

#include "launcher/common/unique_fd.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

struct HostSocket {
    UniqueFd fd;
    int family = 0;  // AF_INET or AF_INET6, as made
    int type = 0;    // SOCK_STREAM or SOCK_DGRAM
};

class SocketTable {
  public:
    // The lowest free handle now holding `fd`, or -EMFILE when all ER_NET_MAX_SOCKETS are taken
    // (then `fd` is closed).
    int insert(UniqueFd fd, int family, int type);
    // The socket of `handle`, or nullptr when it is out of range or free.
    HostSocket* find(int64_t handle);
    // Closes `handle`'s socket; false when it had none.
    bool erase(int64_t handle);
    // Closes every socket (the domain ended).
    void clear();
    uint32_t size() const { return count_; }
    bool full() const { return count_ == ER_NET_MAX_SOCKETS; }

  private:
    std::array<HostSocket, ER_NET_MAX_SOCKETS> slots_;
    uint32_t count_ = 0;
};

}  // namespace er::launcher
