// The ER_HC_NET operations (libos-abi/enclave_abi.h), one exit each, with the host's answer
// checked before the guest uses it (under SEV the host is not trusted): a result out of range
// becomes -EIO, never a length the guest would act on.  Data and option values go through
// hv::net_io(), addresses through a SockAddr, poll entries through hv::net_pollfds().
#pragma once

#include <stdint.h>

#include "libos-abi/enclave_abi.h"
#include "net/user_msg.hpp"

namespace uk::net::host {

// The new handle (0 .. ER_NET_MAX_SOCKETS-1) or -errno.
int64_t socket(uint32_t domain, uint32_t family, uint32_t type, uint32_t protocol);
// CLOSE, LISTEN (a0 backlog), SHUTDOWN (a0 how), FIONREAD: the result or -errno.
int64_t simple(er_net_op op, uint32_t domain, int32_t handle, int64_t a0);
// BIND, CONNECT: 0 or -errno (CONNECT: -EINPROGRESS, -EALREADY ...).
int64_t addr_in(er_net_op op, uint32_t domain, int32_t handle, const SockAddr& a);
// SOCKNAME, PEERNAME: 0 and *out, or -errno.
int64_t addr_out(er_net_op op, uint32_t domain, int32_t handle, SockAddr* out);
// The new handle and the peer's address, or -errno (-EAGAIN: none pending).
int64_t accept(uint32_t domain, int32_t handle, SockAddr* peer);
// Sends hv::net_io()[0 .. len) (to `to` when not null): bytes taken (<= len) or -errno.
int64_t send(uint32_t domain, int32_t handle, uint64_t len, int64_t flags, const SockAddr* to);
// Receives up to `len` bytes into hv::net_io(): the host's count (with MSG_TRUNC on a datagram
// socket it may exceed len; never more than len bytes are in the buffer) or -errno; *from (len
// 0: none) and *msg_flags.
int64_t recv(uint32_t domain, int32_t handle, uint64_t len, int64_t flags, SockAddr* from,
             uint32_t* msg_flags);
// SETOPT: the value is hv::net_io()[0 .. len).  GETOPT: room `len`, the value's length back.
int64_t setopt(uint32_t domain, int32_t handle, int64_t level, int64_t name, uint64_t len);
int64_t getopt(uint32_t domain, int32_t handle, int64_t level, int64_t name, uint64_t len);
// POLL over hv::net_pollfds()[0 .. n): how many have revents, or -errno.  Each revents is
// masked to what was asked plus POLLERR/POLLHUP/POLLNVAL.
int64_t poll(uint32_t n, uint64_t timeout_ns);

}  // namespace uk::net::host
