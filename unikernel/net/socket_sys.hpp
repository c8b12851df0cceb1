// The socket syscalls (socket, socketpair, bind, listen, accept, accept4, connect, sendto,
// recvfrom, sendmsg, recvmsg, shutdown, getsockname, getpeername, setsockopt, getsockopt) and the
// hooks the generic file code uses for sockets (read/write, readiness, release, FIONREAD).  Each
// call finds the description and hands it to its family: net/inet/ (host sockets) or net/unix/
// (kept in the guest).
#pragma once

#include <stdint.h>

#include "fs/domain_files.hpp"
#include "sys/syscall.hpp"

namespace uk::net {

enum SocketNr : uint64_t {
    kSocket = 41,
    kConnect = 42,
    kAccept = 43,
    kSendto = 44,
    kRecvfrom = 45,
    kSendmsg = 46,
    kRecvmsg = 47,
    kShutdown = 48,
    kBind = 49,
    kListen = 50,
    kGetsockname = 51,
    kGetpeername = 52,
    kSocketpair = 53,
    kSetsockopt = 54,
    kGetsockopt = 55,
    kAccept4 = 288,
};

int64_t sys_socket(const sys::Args&);
int64_t sys_socketpair(const sys::Args&);
int64_t sys_bind(const sys::Args&);
int64_t sys_listen(const sys::Args&);
int64_t sys_accept(const sys::Args&);
int64_t sys_accept4(const sys::Args&);
int64_t sys_connect(const sys::Args&);
int64_t sys_sendto(const sys::Args&);
int64_t sys_recvfrom(const sys::Args&);
int64_t sys_sendmsg(const sys::Args&);
int64_t sys_recvmsg(const sys::Args&);
int64_t sys_shutdown(const sys::Args&);
int64_t sys_getsockname(const sys::Args&);
int64_t sys_getpeername(const sys::Args&);
int64_t sys_setsockopt(const sys::Args&);
int64_t sys_getsockopt(const sys::Args&);

// ---- for the generic file code ----

inline bool is_socket(const fs::OpenFile* f) {
    return f->kind == fs::FileKind::socket_inet || f->kind == fs::FileKind::socket_unix;
}
// read/write on a socket (recv/send with flags 0), and readv/writev (the app's iovec array,
// checked here as Linux does).
int64_t socket_read(fs::OpenFile* f, uint64_t user_buf, uint64_t count);
int64_t socket_write(fs::OpenFile* f, uint64_t user_buf, uint64_t count);
int64_t socket_readv(fs::OpenFile* f, uint64_t user_iov, uint64_t iovcnt);
int64_t socket_writev(fs::OpenFile* f, uint64_t user_iov, uint64_t iovcnt);
// sendfile to a socket: `count` bytes that copy(ctx, at, dst, n) puts into kernel memory (n bytes
// at most from offset `at`: how many, or -errno).  -EINVAL where not supported (AF_UNIX: the
// app falls back to read/write).
int64_t socket_send_kernel(fs::OpenFile* f,
                           int64_t (*copy)(const void* ctx, uint64_t at, void* dst, uint64_t n),
                           const void* ctx, uint64_t count);
// ioctl(FIONREAD) into the app's int at user_out: 0 or -errno.
int64_t socket_fionread(fs::OpenFile* f, uint64_t user_out);
// poll/readiness.cpp and poll/objects.cpp.
uint32_t socket_ready_mask(fs::DomainFiles& df, fs::OpenFile* f, uint32_t* gen);
void socket_release(fs::DomainFiles& df, fs::OpenFile* f);

}  // namespace uk::net
