// AF_UNIX sockets, kept in the guest (docs/network.md "Unix sockets"): socketpair, and named or
// abstract sockets bound inside one domain.  They never reach the host: a path would name a host
// file there.  A description of kind fs::FileKind::socket_unix has obj = net::UnixSocket.
//
// The syscall layer (net/socket_sys.cpp) looks up the descriptor, checks that it is a socket and
// calls one function here per syscall, with the syscall's own raw arguments (user pointers are
// app addresses, checked by the callee; net/user_msg.hpp copies addresses and msghdrs).  Each
// returns what the syscall returns: a value >= 0 or -errno (the signal restart codes of
// signal/restart.hpp allowed where a call blocks).  Blocking follows the description's
// O_NONBLOCK (f->flags & sys::kONonblock) and MSG_DONTWAIT, and waits with poll::block().
#pragma once

#include <stdint.h>

#include "fs/domain_files.hpp"
#include "net/user_msg.hpp"

namespace uk::net {

struct UnixSocket;

// socket(AF_UNIX, type, protocol): `type` with its SOCK_NONBLOCK/SOCK_CLOEXEC bits as the app
// gave it.  The new descriptor, or -errno.
int64_t unix_socket(uint64_t type, uint64_t protocol);
// socketpair(AF_UNIX, type, protocol, sv): writes int[2] at user_sv.  0 or -errno.
int64_t unix_socketpair(uint64_t type, uint64_t protocol, uint64_t user_sv);

int64_t unix_bind(fs::OpenFile* f, uint64_t user_addr, uint64_t len);
int64_t unix_listen(fs::OpenFile* f, uint64_t backlog);
// accept4 (accept: flags 0); user_addr/user_len_ptr may be 0.
int64_t unix_accept(fs::OpenFile* f, uint64_t user_addr, uint64_t user_len_ptr, uint64_t flags);
int64_t unix_connect(fs::OpenFile* f, uint64_t user_addr, uint64_t len);
// sendto/recvfrom (send/recv are these with no address).
int64_t unix_sendto(fs::OpenFile* f, uint64_t user_buf, uint64_t len, uint64_t flags,
                    uint64_t user_addr, uint64_t addr_len);
int64_t unix_recvfrom(fs::OpenFile* f, uint64_t user_buf, uint64_t len, uint64_t flags,
                      uint64_t user_addr, uint64_t user_len_ptr);
// sendmsg/recvmsg: user_msg is the app's struct msghdr (read_msghdr, finish_recvmsg).
int64_t unix_sendmsg(fs::OpenFile* f, uint64_t user_msg, uint64_t flags);
int64_t unix_recvmsg(fs::OpenFile* f, uint64_t user_msg, uint64_t flags);
int64_t unix_shutdown(fs::OpenFile* f, uint64_t how);
int64_t unix_getsockname(fs::OpenFile* f, uint64_t user_addr, uint64_t user_len_ptr);
int64_t unix_getpeername(fs::OpenFile* f, uint64_t user_addr, uint64_t user_len_ptr);
int64_t unix_setsockopt(fs::OpenFile* f, uint64_t level, uint64_t name, uint64_t user_val,
                        uint64_t len);
int64_t unix_getsockopt(fs::OpenFile* f, uint64_t level, uint64_t name, uint64_t user_val,
                        uint64_t user_len_ptr);

// read/readv (flags 0) and write/writev (flags 0; EPIPE raises SIGPIPE as for send without
// MSG_NOSIGNAL): `m` is the app's buffers, already checked by read_msghdr/single_buffer.
int64_t unix_recv(fs::OpenFile* f, const UserMsg& m, uint64_t flags);
int64_t unix_send(fs::OpenFile* f, const UserMsg& m, uint64_t flags);

// ioctl(FIONREAD): bytes readable now (>= 0), or -errno.
int64_t unix_fionread(fs::OpenFile* f);

// poll/select/epoll (poll/readiness.cpp): EPOLL* bits ready now (IN, OUT, ERR, HUP, RDHUP, and
// RDNORM/WRNORM with IN/OUT) and in *gen a number that changes whenever they may have.
uint32_t unix_ready_mask(fs::DomainFiles& df, fs::OpenFile* f, uint32_t* gen);
// The description's last reference went (close, process or domain end; fs::release_file via
// poll/objects.cpp, which then wakes the domain's waiters): free what f->obj holds.
void unix_release(fs::DomainFiles& df, fs::OpenFile* f);

// unlink(2) of a pathname (sys/sys_file_tmp.cpp): a bound name has no inode in the tree, so the
// unlink of `name` in directory `dir` drops the binding there instead.  True when there was one
// (unlink then succeeds).
bool unix_unlink(fs::DomainFiles& df, fs::NodeRef dir, const char* name, size_t len);

}  // namespace uk::net
