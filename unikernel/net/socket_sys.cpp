#include "net/socket_sys.hpp"

#include "lib/format.hpp"
#include "lib/panic.hpp"
#include "mm/user_access.hpp"
#include "net/inet/inet_socket.hpp"
#include "net/unix/unix_socket.hpp"
#include "net/user_msg.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"

namespace uk::net {
namespace {

using fs::FileKind;
using fs::OpenFile;

constexpr uint64_t kAfUnix = 1, kAfInet = 2, kAfInet6 = 10;

// Unsupported families are ENOSYS-free but logged once each (issue 19: "logged once"), so a
// program probing AF_NETLINK or AF_PACKET shows up in the host log without flooding it.
uint64_t g_family_reported;

int64_t unsupported_family(uint64_t family) {
    uint64_t bit = 1ull << (family < 63 ? family : 63);
    if (!(g_family_reported & bit)) {
        g_family_reported |= bit;
        FixedText<96> t;
        t.str("net: socket family ").udec(family).str(" is not supported (EAFNOSUPPORT)");
        klog(t);
    }
    return -kEAFNOSUPPORT;
}

// The socket behind fd: -EBADF when fd is not open, -ENOTSOCK when it is no socket.
int64_t socket_at(uint64_t fd, OpenFile** out) {
    OpenFile* f = sys::fds().get(int64_t(int32_t(fd)));
    if (f == nullptr) return -kEBADF;
    if (!is_socket(f)) return -kENOTSOCK;
    *out = f;
    return 0;
}

bool is_unix(const OpenFile* f) {
    return f->kind == FileKind::socket_unix;
}

}  // namespace

int64_t sys_socket(const sys::Args& a) {
    switch (uint32_t(a.a0)) {
        case kAfUnix:
            return unix_socket(a.a1, a.a2);
        case kAfInet:
        case kAfInet6:
            return inet_socket(uint32_t(a.a0), a.a1, a.a2);
        default:
            return unsupported_family(uint32_t(a.a0));
    }
}

int64_t sys_socketpair(const sys::Args& a) {
    switch (uint32_t(a.a0)) {
        case kAfUnix:
            return unix_socketpair(a.a1, a.a2, a.a3);
        case kAfInet:
        case kAfInet6:
            return -kEOPNOTSUPP;  // as Linux: only AF_UNIX makes pairs
        default:
            return unsupported_family(uint32_t(a.a0));
    }
}

int64_t sys_bind(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_bind(f, a.a1, a.a2) : inet_bind(f, a.a1, a.a2);
}

int64_t sys_listen(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_listen(f, a.a1) : inet_listen(f, a.a1);
}

int64_t sys_accept4(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_accept(f, a.a1, a.a2, a.a3) : inet_accept(f, a.a1, a.a2, a.a3);
}

int64_t sys_accept(const sys::Args& a) {
    return sys_accept4(sys::Args{a.a0, a.a1, a.a2, 0, 0, 0});
}

int64_t sys_connect(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_connect(f, a.a1, a.a2) : inet_connect(f, a.a1, a.a2);
}

int64_t sys_sendto(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_sendto(f, a.a1, a.a2, a.a3, a.a4, a.a5)
                      : inet_sendto(f, a.a1, a.a2, a.a3, a.a4, a.a5);
}

int64_t sys_recvfrom(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_recvfrom(f, a.a1, a.a2, a.a3, a.a4, a.a5)
                      : inet_recvfrom(f, a.a1, a.a2, a.a3, a.a4, a.a5);
}

int64_t sys_sendmsg(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_sendmsg(f, a.a1, a.a2) : inet_sendmsg(f, a.a1, a.a2);
}

int64_t sys_recvmsg(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_recvmsg(f, a.a1, a.a2) : inet_recvmsg(f, a.a1, a.a2);
}

int64_t sys_shutdown(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_shutdown(f, a.a1) : inet_shutdown(f, a.a1);
}

int64_t sys_getsockname(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_getsockname(f, a.a1, a.a2) : inet_getsockname(f, a.a1, a.a2);
}

int64_t sys_getpeername(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_getpeername(f, a.a1, a.a2) : inet_getpeername(f, a.a1, a.a2);
}

int64_t sys_setsockopt(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_setsockopt(f, a.a1, a.a2, a.a3, a.a4)
                      : inet_setsockopt(f, a.a1, a.a2, a.a3, a.a4);
}

int64_t sys_getsockopt(const sys::Args& a) {
    OpenFile* f;
    if (int64_t r = socket_at(a.a0, &f); r != 0) return r;
    return is_unix(f) ? unix_getsockopt(f, a.a1, a.a2, a.a3, a.a4)
                      : inet_getsockopt(f, a.a1, a.a2, a.a3, a.a4);
}

int64_t socket_read(OpenFile* f, uint64_t user_buf, uint64_t count) {
    if (count > sys::kMaxRwCount) count = sys::kMaxRwCount;
    UserMsg m = single_buffer(user_buf, count);
    return is_unix(f) ? unix_recv(f, m, 0) : inet_recv(f, m, 0);
}

int64_t socket_write(OpenFile* f, uint64_t user_buf, uint64_t count) {
    if (count > sys::kMaxRwCount) count = sys::kMaxRwCount;
    UserMsg m = single_buffer(user_buf, count);
    return is_unix(f) ? unix_send(f, m, 0) : inet_send(f, m, 0);
}

int64_t socket_readv(OpenFile* f, uint64_t user_iov, uint64_t iovcnt) {
    UserMsg m;
    if (int r = read_iovec(user_iov, iovcnt, &m); r != 0) return r;
    return is_unix(f) ? unix_recv(f, m, 0) : inet_recv(f, m, 0);
}

int64_t socket_writev(OpenFile* f, uint64_t user_iov, uint64_t iovcnt) {
    UserMsg m;
    if (int r = read_iovec(user_iov, iovcnt, &m); r != 0) return r;
    return is_unix(f) ? unix_send(f, m, 0) : inet_send(f, m, 0);
}

int64_t socket_send_kernel(OpenFile* f,
                           int64_t (*copy)(const void* ctx, uint64_t at, void* dst, uint64_t n),
                           const void* ctx, uint64_t count) {
    return is_unix(f) ? -kEINVAL : inet_send_kernel(f, copy, ctx, count);
}

int64_t socket_fionread(OpenFile* f, uint64_t user_out) {
    int64_t n = is_unix(f) ? unix_fionread(f) : inet_fionread(f);
    if (n < 0) return n;
    int32_t v = n > INT32_MAX ? INT32_MAX : int32_t(n);
    return mm::copy_to_user(user_out, &v, sizeof v) != 0 ? -kEFAULT : 0;
}

uint32_t socket_ready_mask(fs::DomainFiles& df, OpenFile* f, uint32_t* gen) {
    return is_unix(f) ? unix_ready_mask(df, f, gen) : inet_ready_mask(df, f, gen);
}

void socket_release(fs::DomainFiles& df, OpenFile* f) {
    if (is_unix(f)) {
        unix_release(df, f);
    } else {
        inet_release(df, f);
    }
}

}  // namespace uk::net
