// AF_INET and AF_INET6 sockets: host sockets in the domain's network namespace, forwarded op by op
// through ER_HC_NET (docs/network.md "Guest side").  A description of kind
// fs::FileKind::socket_inet has obj = InetSocket, one page charged to the domain that also holds
// the stream read-ahead.  The host never blocks: a blocking call here sleeps its own task with
// poll::block() until the readiness cache (net/inet/inet_poll.hpp) says the socket is ready,
// then asks the host again.
//
// The calls take the syscall's raw arguments, as net/unix/unix_socket.hpp does, and return what
// the syscall returns (>= 0, -errno or a signal restart code).
#pragma once

#include <stdint.h>

#include "fs/domain_files.hpp"
#include "net/user_msg.hpp"

namespace uk::net {

constexpr uint32_t kReadAheadMax = 4000;  // bytes of a socket's page after its header

struct InetSocket {
    uint32_t domain;
    int32_t handle;   // the host's name for it, 0 .. ER_NET_MAX_SOCKETS-1 within the domain
    uint16_t family;  // AF_INET, AF_INET6
    uint8_t type;     // SOCK_STREAM, SOCK_DGRAM
    uint8_t pad0;
    // Readiness cache (inet_poll.cpp): the host's POLL* bits as last seen.  `fresh_epoch` equal to
    // the current epoch means they are still trusted; any operation on the socket (or a timer
    // tick) makes them stale, and the next ready_mask asks the host again (timeout 0).
    uint16_t mask;
    uint16_t pad1;
    uint32_t fresh_epoch;
    uint32_t gen;  // bumped by every change a waiter or epoll's edge trigger could care about
    // SO_RCVTIMEO / SO_SNDTIMEO, kept in the guest (the host never blocks): ns, 0 = for ever.
    uint64_t rcvtimeo_ns;
    uint64_t sndtimeo_ns;
    // Stream read-ahead: bytes received from the host but not yet by the app, ra[ra_head ..
    // ra_head + ra_len).
    uint32_t ra_head;
    uint32_t ra_len;
    uint64_t reserved[8 - 2];
    uint8_t ra[kReadAheadMax];
};
static_assert(sizeof(InetSocket) == 4096, "one page per socket");

// socket(family, type, protocol), family AF_INET or AF_INET6; type with its flag bits.
int64_t inet_socket(uint64_t family, uint64_t type, uint64_t protocol);

int64_t inet_bind(fs::OpenFile* f, uint64_t user_addr, uint64_t len);
int64_t inet_listen(fs::OpenFile* f, uint64_t backlog);
int64_t inet_accept(fs::OpenFile* f, uint64_t user_addr, uint64_t user_len_ptr, uint64_t flags);
int64_t inet_connect(fs::OpenFile* f, uint64_t user_addr, uint64_t len);
int64_t inet_sendto(fs::OpenFile* f, uint64_t user_buf, uint64_t len, uint64_t flags,
                    uint64_t user_addr, uint64_t addr_len);
int64_t inet_recvfrom(fs::OpenFile* f, uint64_t user_buf, uint64_t len, uint64_t flags,
                      uint64_t user_addr, uint64_t user_len_ptr);
int64_t inet_sendmsg(fs::OpenFile* f, uint64_t user_msg, uint64_t flags);
int64_t inet_recvmsg(fs::OpenFile* f, uint64_t user_msg, uint64_t flags);
int64_t inet_shutdown(fs::OpenFile* f, uint64_t how);
int64_t inet_getsockname(fs::OpenFile* f, uint64_t user_addr, uint64_t user_len_ptr);
int64_t inet_getpeername(fs::OpenFile* f, uint64_t user_addr, uint64_t user_len_ptr);
int64_t inet_setsockopt(fs::OpenFile* f, uint64_t level, uint64_t name, uint64_t user_val,
                        uint64_t len);
int64_t inet_getsockopt(fs::OpenFile* f, uint64_t level, uint64_t name, uint64_t user_val,
                        uint64_t user_len_ptr);
// read/readv, write/writev.
int64_t inet_recv(fs::OpenFile* f, const UserMsg& m, uint64_t flags);
int64_t inet_send(fs::OpenFile* f, const UserMsg& m, uint64_t flags);
int64_t inet_fionread(fs::OpenFile* f);
// sendfile: `count` bytes that copy(ctx, at, dst, n) produces (up to n bytes from offset `at` into
// kernel memory: how many, or -errno), sent as write() would send them.
using KernelCopy = int64_t (*)(const void* ctx, uint64_t at, void* dst, uint64_t n);
int64_t inet_send_kernel(fs::OpenFile* f, KernelCopy copy, const void* ctx, uint64_t count);

// EPOLL* bits ready now, from the cache (one ER_NET_POLL when it is stale).
uint32_t inet_ready_mask(fs::DomainFiles& df, fs::OpenFile* f, uint32_t* gen);
// The last reference went: ER_NET_CLOSE, and the page goes back to the domain.
void inet_release(fs::DomainFiles& df, fs::OpenFile* f);

}  // namespace uk::net
