// AF_INET/AF_INET6 sockets forwarded to the host (net/inet/inet_socket.hpp).  Every call here
// that can block loops: ask the host (which never blocks), and on -EAGAIN with a blocking
// description sleep in poll::block until the readiness cache says the socket is ready, then ask
// again.  Signals end a wait as Linux's sock_intr_errno does: a restart (or -EINTR after a
// handler without SA_RESTART) with no timeout set, -EINTR with one.
#include "net/inet/inet_socket.hpp"

#include "epoll/epoll_set.hpp"
#include "fs/tmp_pages.hpp"
#include "hv/hypercall.hpp"
#include "lib/format.hpp"
#include "lib/panic.hpp"
#include "lib/string.hpp"
#include "mm/user_access.hpp"
#include "net/inet/host_net.hpp"
#include "net/inet/inet_poll.hpp"
#include "poll/wait.hpp"
#include "signal/restart.hpp"
#include "signal/signals.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "task/task.hpp"
#include "time/clock.hpp"

namespace uk::net {
namespace {

using fs::FileKind;
using fs::OpenFile;

constexpr uint32_t kSockStream = 1, kSockDgram = 2, kSockTypeMask = 0xF;
constexpr uint32_t kSockNonblock = 04000, kSockCloexec = 02000000;

// MSG_* flags.
constexpr uint64_t kMsgOob = 0x1, kMsgPeek = 0x2, kMsgTrunc = 0x20, kMsgDontwait = 0x40,
                   kMsgEor = 0x80, kMsgWaitall = 0x100, kMsgErrqueue = 0x2000,
                   kMsgNosignal = 0x4000, kMsgMore = 0x8000;
// What the host honours (the rest is the guest's business or ignored, as Linux ignores flags a
// protocol does not use).
constexpr uint64_t kHostSendFlags = kMsgOob | kMsgEor | kMsgMore;
constexpr uint64_t kHostRecvFlags = kMsgOob | kMsgPeek | kMsgTrunc;

// Socket options kept in the guest.
constexpr uint64_t kSolSocket = 1;
constexpr uint64_t kSoRcvtimeoOld = 20, kSoSndtimeoOld = 21, kSoRcvtimeoNew = 66,
                   kSoSndtimeoNew = 67, kSoError = 4;

constexpr uint64_t kNsPerUs = 1000, kNsPerSec = 1000000000;

InetSocket* sock(OpenFile* f) {
    return static_cast<InetSocket*>(f->obj);
}

bool nonblocking(const OpenFile* f, uint64_t flags) {
    return (f->flags & sys::kONonblock) || (flags & kMsgDontwait);
}

uint64_t min64(uint64_t a, uint64_t b) {
    return a < b ? a : b;
}

// ---- waiting ----

enum class Waited : uint8_t { ready, timed_out, interrupted };

// Sleeps until the socket has one of `bits` (or an error or hang-up), the SO_*TIMEO deadline
// passes (0: none) or a signal comes.
Waited wait_for(fs::DomainFiles& df, OpenFile* f, uint16_t bits, uint64_t deadline) {
    for (;;) {
        if (sock(f)->ra_len > 0 && (bits & kPollIn)) return Waited::ready;
        if (host_mask(sock(f)) & (bits | kPollErr | kPollHup)) return Waited::ready;
        poll::Wait w = poll::block(df, deadline != 0, deadline);
        if (w == poll::Wait::interrupted) return Waited::interrupted;
        if (w == poll::Wait::timed_out) return Waited::timed_out;
    }
}

uint64_t deadline_for(uint64_t timeo_ns) {
    return timeo_ns == 0 ? 0 : poll::deadline_after(timeo_ns);
}

// A wait a signal ended: Linux's sock_intr_errno.
int64_t interrupted(uint64_t timeo_ns) {
    return timeo_ns == 0 ? -signal::kERestartSys : -kEINTR;
}

// ---- creating ----

// A description and a socket page for a new host socket of the calling domain, before the host
// makes it (so a new host socket never has to be closed again for want of guest memory).
struct Fresh {
    OpenFile* file = nullptr;
    InetSocket* s = nullptr;
};

int64_t prepare(fs::DomainFiles& df, Fresh* out) {
    if (socket_count(df.domain_id) >= ER_NET_MAX_SOCKETS) return -kEMFILE;
    fs::PageSource src = fs::tmp_page_source(df.domain_id);
    OpenFile* f = df.pool.alloc();
    if (f == nullptr) return -kENFILE;
    f->kind = FileKind::socket_inet;  // claimed
    auto* s = static_cast<InetSocket*>(src.alloc(src.ctx));
    if (s == nullptr) {
        df.pool.free(f);
        return -kENOMEM;
    }
    out->file = f;
    out->s = s;
    return 0;
}

void discard(fs::DomainFiles& df, Fresh& fr) {
    fs::PageSource src = fs::tmp_page_source(df.domain_id);
    src.free(src.ctx, fr.s);
    df.pool.free(fr.file);
}

// The host made socket `handle`: it joins the registry and gets a descriptor.  The descriptor,
// or -errno with the host socket closed again and everything given back.
int64_t install(fs::DomainFiles& df, Fresh& fr, int64_t handle, uint16_t family, uint8_t type,
                uint32_t flags) {
    InetSocket* s = fr.s;
    memset(s, 0, sizeof *s);
    s->domain = df.domain_id;
    s->handle = int32_t(handle);
    s->family = family;
    s->type = type;
    s->fresh_epoch = 0;
    if (!claim(s)) {
        // A handle out of range or already in use: the host broke the ABI.  Leave its socket
        // alone (closing it could close another of ours) and refuse.
        discard(df, fr);
        return -kEIO;
    }
    OpenFile* f = fr.file;
    f->obj = s;
    f->flags = sys::kORdwr | (flags & kSockNonblock ? sys::kONonblock : 0);
    int fd = sys::fds().install(f, 0, flags & kSockCloexec);
    if (fd < 0) {
        forget(s);
        host::simple(ER_NET_CLOSE, s->domain, s->handle, 0);
        discard(df, fr);
    }
    return fd;
}

// ---- data ----

// Where the bytes of a send come from: the app's buffers, or a file (sendfile).
struct Source {
    // Copies up to n bytes from `at` on into dst: how many, or -errno.
    int64_t (*copy)(const void* ctx, uint64_t at, void* dst, uint64_t n);
    const void* ctx;
    uint64_t total;
};

int64_t copy_from_msg(const void* ctx, uint64_t at, void* dst, uint64_t n) {
    return gather(*static_cast<const UserMsg*>(ctx), at, dst, n);
}

int64_t send_from(OpenFile* f, const Source& src, uint64_t flags, const SockAddr* to) {
    fs::DomainFiles& df = sys::files();
    InetSocket* s = sock(f);
    fs::Hold hold(df, f);
    uint64_t total = min64(src.total, sys::kMaxRwCount);
    bool stream = s->type == kSockStream;
    if (!stream && total > ER_NET_IO_MAX) return -kEMSGSIZE;
    uint64_t deadline = deadline_for(s->sndtimeo_ns);
    uint64_t done = 0;
    bool first = true;
    while (first || done < total) {
        first = false;
        uint64_t chunk = min64(total - done, ER_NET_IO_MAX);
        int64_t got = src.copy(src.ctx, done, hv::net_io(), chunk);
        if (got < 0 || (got == 0 && chunk > 0)) {
            if (done > 0) return int64_t(done);
            return got < 0 ? got : -kEFAULT;
        }
        // A bad buffer part way: a stream sends what came before it, a datagram nothing.
        if (!stream && uint64_t(got) < chunk) return -kEFAULT;
        chunk = uint64_t(got);
        int64_t r = host::send(s->domain, s->handle, chunk, int64_t(flags & kHostSendFlags), to);
        if (r >= 0) {
            mark_stale(s);
            done += uint64_t(r);
            // A short send means the host's buffer is full: a non-blocking one ends here.
            if (!stream || (uint64_t(r) < chunk && nonblocking(f, flags))) break;
            continue;
        }
        if (r == -kEAGAIN) {
            learn_not_ready(s, kPollOut);
            if (nonblocking(f, flags)) return done > 0 ? int64_t(done) : -kEAGAIN;
            Waited w = wait_for(df, f, kPollOut, deadline);
            if (w == Waited::interrupted)
                return done > 0 ? int64_t(done) : interrupted(s->sndtimeo_ns);
            if (w == Waited::timed_out) return done > 0 ? int64_t(done) : -kEAGAIN;
            first = done == 0;  // a zero-length datagram is still to be sent
            continue;
        }
        mark_stale(s);
        if (done > 0) return int64_t(done);
        if (r == -kEPIPE && !(flags & kMsgNosignal)) signal::raise_sigpipe(task::current());
        return r;
    }
    return int64_t(done);
}

int64_t send_msg(OpenFile* f, const UserMsg& m, uint64_t flags, const SockAddr* to) {
    return send_from(f, Source{copy_from_msg, &m, m.total}, flags, to);
}

// Bytes from the read-ahead into the message at `done`: how many (0 when empty), or -EFAULT.
int64_t from_read_ahead(InetSocket* s, const UserMsg& m, uint64_t done, uint64_t want, bool peek) {
    uint64_t n = min64(s->ra_len, want);
    if (n == 0) return 0;
    int64_t r = scatter(m, done, s->ra + s->ra_head, n);
    if (r <= 0) return r < 0 ? r : -kEFAULT;
    if (!peek) {
        s->ra_head += uint32_t(r);
        s->ra_len -= uint32_t(r);
        if (s->ra_len == 0) s->ra_head = 0;
        s->gen++;
    }
    return r;
}

int64_t recv_msg(OpenFile* f, const UserMsg& m, uint64_t flags, SockAddr* from,
                 uint32_t* msg_flags) {
    fs::DomainFiles& df = sys::files();
    InetSocket* s = sock(f);
    fs::Hold hold(df, f);
    from->len = 0;
    *msg_flags = 0;
    if (flags & kMsgErrqueue) return -kEAGAIN;  // no error queue is kept
    bool stream = s->type == kSockStream;
    bool peek = flags & kMsgPeek;
    uint64_t total = min64(m.total, sys::kMaxRwCount);
    uint64_t deadline = deadline_for(s->rcvtimeo_ns);
    uint64_t done = 0;
    for (;;) {
        if (stream && !(flags & kMsgOob) && s->ra_len > 0) {
            int64_t r = from_read_ahead(s, m, done, total - done, peek);
            if (r < 0) return done > 0 ? int64_t(done) : r;
            done += uint64_t(r);
            if (done == total || peek || !(flags & kMsgWaitall)) return int64_t(done);
        }
        uint64_t want = total - done;
        // Read-ahead: a small read of a stream asks the host for a page's worth, and the rest
        // serves the next reads (and poll) without an exit.
        bool ahead = stream && !(flags & (kMsgPeek | kMsgOob | kMsgTrunc)) && want < kReadAheadMax;
        uint64_t ask = ahead ? kReadAheadMax : min64(want, ER_NET_IO_MAX);
        int64_t r =
            host::recv(s->domain, s->handle, ask, int64_t(flags & kHostRecvFlags), from, msg_flags);
        if (r >= 0) {
            mark_stale(s);
            uint64_t in_buf = min64(uint64_t(r), ask);
            uint64_t n = min64(in_buf, want);
            int64_t c = n == 0 ? 0 : scatter(m, done, hv::net_io(), n);
            if (c < 0) return done > 0 ? int64_t(done) : c;  // bytes lost, as documented
            if (ahead && in_buf > n) {
                memcpy(s->ra, hv::net_io() + n, in_buf - n);
                s->ra_head = 0;
                s->ra_len = uint32_t(in_buf - n);
            }
            done += n;
            if (!stream) return (flags & kMsgTrunc) ? r : int64_t(n);
            if (r == 0 || done == total || peek || !(flags & kMsgWaitall)) return int64_t(done);
            continue;  // MSG_WAITALL: more
        }
        if (r == -kEAGAIN) {
            learn_not_ready(s, kPollIn);
            if (done > 0 && !(flags & kMsgWaitall)) return int64_t(done);
            if (nonblocking(f, flags)) return done > 0 ? int64_t(done) : -kEAGAIN;
            Waited w = wait_for(df, f, kPollIn, deadline);
            if (w == Waited::interrupted)
                return done > 0 ? int64_t(done) : interrupted(s->rcvtimeo_ns);
            if (w == Waited::timed_out) return done > 0 ? int64_t(done) : -kEAGAIN;
            continue;
        }
        mark_stale(s);
        return done > 0 ? int64_t(done) : r;
    }
}

// ---- options ----

int64_t set_timeout(uint64_t user_val, uint64_t len, uint64_t* out_ns) {
    struct {
        int64_t sec;
        int64_t usec;
    } tv;
    if (len < sizeof tv) return -kEINVAL;
    if (mm::copy_from_user(&tv, user_val, sizeof tv) != 0) return -kEFAULT;
    if (tv.usec < 0 || tv.usec >= 1000000) return -kEDOM;
    if (tv.sec < 0) {
        *out_ns = 1;  // Linux: a negative time is no wait at all
    } else if (tv.sec == 0 && tv.usec == 0) {
        *out_ns = 0;  // for ever
    } else {
        uint64_t sec = uint64_t(tv.sec) > UINT64_MAX / kNsPerSec - 1 ? UINT64_MAX / kNsPerSec - 1
                                                                     : uint64_t(tv.sec);
        *out_ns = sec * kNsPerSec + uint64_t(tv.usec) * kNsPerUs;
    }
    return 0;
}

int64_t get_timeout(uint64_t ns, uint64_t user_val, uint64_t user_len_ptr) {
    int32_t len;
    if (mm::copy_from_user(&len, user_len_ptr, sizeof len) != 0) return -kEFAULT;
    if (len < 0) return -kEINVAL;
    struct {
        int64_t sec;
        int64_t usec;
    } tv{int64_t(ns / kNsPerSec), int64_t(ns % kNsPerSec / kNsPerUs)};
    uint32_t n = min64(uint32_t(len), sizeof tv);
    if (mm::copy_to_user(user_val, &tv, n) != 0) return -kEFAULT;
    int32_t out = int32_t(n);
    return mm::copy_to_user(user_len_ptr, &out, sizeof out) != 0 ? -kEFAULT : 0;
}

}  // namespace

int64_t inet_socket(uint64_t family, uint64_t type, uint64_t protocol) {
    uint32_t base = uint32_t(type) & kSockTypeMask;
    uint32_t flags = uint32_t(type) & ~kSockTypeMask;
    if ((flags & ~(kSockNonblock | kSockCloexec)) != 0) return -kEINVAL;
    if (base != kSockStream && base != kSockDgram) {
        static bool logged;
        if (!logged) {
            logged = true;
            FixedText<96> t;
            t.str("net: socket type ").udec(base).str(" is not supported (EINVAL)");
            klog(t);
        }
        return -kEINVAL;
    }
    fs::DomainFiles& df = sys::files();
    Fresh fr;
    if (int64_t r = prepare(df, &fr); r != 0) return r;
    int64_t h = host::socket(df.domain_id, uint32_t(family), base, uint32_t(protocol));
    if (h < 0) {
        discard(df, fr);
        return h;
    }
    return install(df, fr, h, uint16_t(family), uint8_t(base), flags);
}

int64_t inet_bind(OpenFile* f, uint64_t user_addr, uint64_t len) {
    SockAddr a;
    if (int r = copy_addr_in(user_addr, len, &a); r != 0) return r;
    InetSocket* s = sock(f);
    int64_t r = host::addr_in(ER_NET_BIND, s->domain, s->handle, a);
    mark_stale(s);
    return r;
}

int64_t inet_listen(OpenFile* f, uint64_t backlog) {
    InetSocket* s = sock(f);
    int64_t r = host::simple(ER_NET_LISTEN, s->domain, s->handle, int64_t(int32_t(backlog)));
    mark_stale(s);
    return r;
}

int64_t inet_accept(OpenFile* f, uint64_t user_addr, uint64_t user_len_ptr, uint64_t flags) {
    if ((flags & ~uint64_t(kSockNonblock | kSockCloexec)) != 0) return -kEINVAL;
    fs::DomainFiles& df = sys::files();
    InetSocket* s = sock(f);
    fs::Hold hold(df, f);
    uint64_t deadline = deadline_for(s->rcvtimeo_ns);
    for (;;) {
        Fresh fr;
        if (int64_t r = prepare(df, &fr); r != 0) return r;
        SockAddr peer;
        int64_t h = host::accept(s->domain, s->handle, &peer);
        mark_stale(s);
        if (h >= 0) {
            int64_t fd = install(df, fr, h, s->family, s->type, uint32_t(flags));
            if (fd < 0) return fd;
            if (int r = copy_addr_out(peer, user_addr, user_len_ptr); r != 0) {
                // As Linux: the connection is dropped with the new descriptor.
                bool bad;
                if (OpenFile* last = sys::fds().close(fd, &bad)) fs::release_file(df, last);
                return r;
            }
            return fd;
        }
        discard(df, fr);
        if (h != -kEAGAIN) return h;
        learn_not_ready(s, kPollIn);
        if (f->flags & sys::kONonblock) return -kEAGAIN;
        Waited w = wait_for(df, f, kPollIn, deadline);
        if (w == Waited::interrupted) return interrupted(s->rcvtimeo_ns);
        if (w == Waited::timed_out) return -kEAGAIN;
    }
}

int64_t inet_connect(OpenFile* f, uint64_t user_addr, uint64_t len) {
    SockAddr a;
    if (int r = copy_addr_in(user_addr, len, &a); r != 0) return r;
    fs::DomainFiles& df = sys::files();
    InetSocket* s = sock(f);
    fs::Hold hold(df, f);
    int64_t r = host::addr_in(ER_NET_CONNECT, s->domain, s->handle, a);
    mark_stale(s);
    bool pending = r == -kEINPROGRESS || r == -kEALREADY;
    if (!pending || (f->flags & sys::kONonblock)) return r;
    // A blocking connect (or one restarted after a signal, which the host sees as EALREADY):
    // wait for the handshake's end, then its outcome is SO_ERROR.
    if (r == -kEINPROGRESS) learn_not_ready(s, uint16_t(~0u));
    Waited w = wait_for(df, f, kPollOut, deadline_for(s->sndtimeo_ns));
    if (w == Waited::interrupted) return interrupted(s->sndtimeo_ns);
    if (w == Waited::timed_out) return -kEINPROGRESS;
    int64_t n = host::getopt(s->domain, s->handle, int64_t(kSolSocket), int64_t(kSoError), 4);
    mark_stale(s);
    if (n < 0) return n;
    int32_t err = 0;
    memcpy(&err, hv::net_io(), n < 4 ? uint64_t(n) : 4);
    return err > 0 && err < 4096 ? -err : 0;
}

int64_t inet_sendto(OpenFile* f, uint64_t user_buf, uint64_t len, uint64_t flags,
                    uint64_t user_addr, uint64_t addr_len) {
    SockAddr to;
    bool has_to = user_addr != 0 && addr_len != 0;
    if (has_to) {
        if (int r = copy_addr_in(user_addr, addr_len, &to); r != 0) return r;
    }
    return send_msg(f, single_buffer(user_buf, len), flags, has_to ? &to : nullptr);
}

int64_t inet_recvfrom(OpenFile* f, uint64_t user_buf, uint64_t len, uint64_t flags,
                      uint64_t user_addr, uint64_t user_len_ptr) {
    SockAddr from;
    uint32_t mflags;
    int64_t r = recv_msg(f, single_buffer(user_buf, len), flags, &from, &mflags);
    if (r >= 0 && user_addr != 0) {
        if (int e = copy_addr_out(from, user_addr, user_len_ptr); e != 0) return e;
    }
    return r;
}

int64_t inet_sendmsg(OpenFile* f, uint64_t user_msg, uint64_t flags) {
    UserMsg m;
    if (int r = read_msghdr(user_msg, &m); r != 0) return r;
    SockAddr to;
    bool has_to = m.name != 0 && m.name_len != 0;
    if (has_to) {
        if (int r = copy_addr_in(m.name, m.name_len, &to); r != 0) return r;
    }
    // Ancillary data (IP_PKTINFO, SCM_*) is not forwarded: a non-empty control is refused.
    if (m.control != 0 && m.control_len != 0) return -kEINVAL;
    return send_msg(f, m, flags, has_to ? &to : nullptr);
}

int64_t inet_recvmsg(OpenFile* f, uint64_t user_msg, uint64_t flags) {
    UserMsg m;
    if (int r = read_msghdr(user_msg, &m); r != 0) return r;
    SockAddr from;
    uint32_t mflags;
    int64_t r = recv_msg(f, m, flags, &from, &mflags);
    if (r < 0) return r;
    uint32_t name_len = 0;
    if (m.name != 0 && from.len > 0) {
        uint32_t n = from.len < m.name_len ? from.len : m.name_len;
        if (mm::copy_to_user(m.name, from.bytes, n) != 0) return -kEFAULT;
        name_len = from.len;
    }
    if (int e = finish_recvmsg(user_msg, name_len, mflags); e != 0) return e;
    return r;
}

int64_t inet_shutdown(OpenFile* f, uint64_t how) {
    InetSocket* s = sock(f);
    int64_t r = host::simple(ER_NET_SHUTDOWN, s->domain, s->handle, int64_t(int32_t(how)));
    mark_stale(s);
    return r;
}

int64_t inet_getsockname(OpenFile* f, uint64_t user_addr, uint64_t user_len_ptr) {
    InetSocket* s = sock(f);
    SockAddr a;
    int64_t r = host::addr_out(ER_NET_SOCKNAME, s->domain, s->handle, &a);
    if (r != 0) return r;
    if (user_addr == 0) return -kEFAULT;
    return copy_addr_out(a, user_addr, user_len_ptr);
}

int64_t inet_getpeername(OpenFile* f, uint64_t user_addr, uint64_t user_len_ptr) {
    InetSocket* s = sock(f);
    SockAddr a;
    int64_t r = host::addr_out(ER_NET_PEERNAME, s->domain, s->handle, &a);
    if (r != 0) return r;
    if (user_addr == 0) return -kEFAULT;
    return copy_addr_out(a, user_addr, user_len_ptr);
}

int64_t inet_setsockopt(OpenFile* f, uint64_t level, uint64_t name, uint64_t user_val,
                        uint64_t len) {
    InetSocket* s = sock(f);
    if (int32_t(len) < 0) return -kEINVAL;
    if (level == kSolSocket && (name == kSoRcvtimeoOld || name == kSoRcvtimeoNew))
        return set_timeout(user_val, len, &s->rcvtimeo_ns);
    if (level == kSolSocket && (name == kSoSndtimeoOld || name == kSoSndtimeoNew))
        return set_timeout(user_val, len, &s->sndtimeo_ns);
    if (len > ER_NET_IO_MAX) return -kEINVAL;
    if (len > 0 && mm::copy_from_user(hv::net_io(), user_val, len) != 0) return -kEFAULT;
    int64_t r =
        host::setopt(s->domain, s->handle, int64_t(int32_t(level)), int64_t(int32_t(name)), len);
    mark_stale(s);
    return r;
}

int64_t inet_getsockopt(OpenFile* f, uint64_t level, uint64_t name, uint64_t user_val,
                        uint64_t user_len_ptr) {
    InetSocket* s = sock(f);
    if (level == kSolSocket && (name == kSoRcvtimeoOld || name == kSoRcvtimeoNew))
        return get_timeout(s->rcvtimeo_ns, user_val, user_len_ptr);
    if (level == kSolSocket && (name == kSoSndtimeoOld || name == kSoSndtimeoNew))
        return get_timeout(s->sndtimeo_ns, user_val, user_len_ptr);
    int32_t len;
    if (mm::copy_from_user(&len, user_len_ptr, sizeof len) != 0) return -kEFAULT;
    if (len < 0) return -kEINVAL;
    uint64_t room = min64(uint32_t(len), ER_NET_IO_MAX);
    int64_t n =
        host::getopt(s->domain, s->handle, int64_t(int32_t(level)), int64_t(int32_t(name)), room);
    // Reading SO_ERROR clears it: what poll reports may change.
    mark_stale(s);
    if (n < 0) return n;
    if (n > 0 && mm::copy_to_user(user_val, hv::net_io(), uint64_t(n)) != 0) return -kEFAULT;
    int32_t out = int32_t(n);
    return mm::copy_to_user(user_len_ptr, &out, sizeof out) != 0 ? -kEFAULT : 0;
}

int64_t inet_recv(OpenFile* f, const UserMsg& m, uint64_t flags) {
    SockAddr from;
    uint32_t mflags;
    return recv_msg(f, m, flags, &from, &mflags);
}

int64_t inet_send(OpenFile* f, const UserMsg& m, uint64_t flags) {
    return send_msg(f, m, flags, nullptr);
}

int64_t inet_send_kernel(OpenFile* f, KernelCopy copy, const void* ctx, uint64_t count) {
    return send_from(f, Source{copy, ctx, count}, 0, nullptr);
}

int64_t inet_fionread(OpenFile* f) {
    InetSocket* s = sock(f);
    int64_t n = host::simple(ER_NET_FIONREAD, s->domain, s->handle, 0);
    if (n < 0) return n;
    return n + s->ra_len;
}

uint32_t inet_ready_mask(fs::DomainFiles&, OpenFile* f, uint32_t* gen) {
    InetSocket* s = sock(f);
    uint16_t m = host_mask(s);
    *gen = s->gen;
    uint32_t out = 0;
    if ((m & kPollIn) || s->ra_len > 0) out |= epoll::kIn | epoll::kRdnorm;
    if (m & kPollOut) out |= epoll::kOut | epoll::kWrnorm;
    if (m & kPollPri) out |= epoll::kPri;
    if (m & kPollErr) out |= epoll::kErr;
    if (m & kPollHup) out |= epoll::kHup;
    if (m & kPollRdhup) out |= epoll::kRdhup;
    return out;
}

void inet_release(fs::DomainFiles& df, OpenFile* f) {
    InetSocket* s = sock(f);
    if (s == nullptr) return;
    forget(s);
    host::simple(ER_NET_CLOSE, s->domain, s->handle, 0);
    fs::PageSource src = fs::tmp_page_source(df.domain_id);
    src.free(src.ctx, s);
}

}  // namespace uk::net
