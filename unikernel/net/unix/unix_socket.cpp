// AF_UNIX sockets kept in the guest: the syscalls of unix_socket.hpp over the objects of
// unix_obj.hpp and the domain's name space (unix_names.hpp).  A blocked call sleeps on the
// domain's one file channel, as pipes do (poll/wait.hpp), and every change notifies it.
#include "net/unix/unix_socket.hpp"

#include "fs/tmp_pages.hpp"
#include "lib/string.hpp"
#include "mm/user_access.hpp"
#include "net/unix/unix_names.hpp"
#include "net/unix/unix_obj.hpp"
#include "poll/wait.hpp"
#include "process/process.hpp"
#include "signal/restart.hpp"
#include "signal/signals.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "task/task.hpp"

namespace uk::net {
namespace {

using fs::FileKind;
using fs::OpenFile;

constexpr uint64_t kSockNonblock = 04000, kSockCloexec = 02000000, kSockTypeMask = 0xF;
constexpr uint64_t kSockMax = 11;  // Linux's SOCK_MAX: types at or past it are EINVAL
constexpr uint64_t kMsgOob = 0x1, kMsgPeek = 0x2, kMsgCtrunc = 0x8, kMsgTrunc = 0x20,
                   kMsgDontwait = 0x40, kMsgWaitall = 0x100, kMsgNosignal = 0x4000,
                   kMsgCmsgCloexec = 0x40000000;
constexpr uint64_t kSolSocket = 1;
constexpr uint64_t kSoReuseaddr = 2, kSoType = 3, kSoError = 4, kSoSndbuf = 7, kSoRcvbuf = 8,
                   kSoKeepalive = 9, kSoLinger = 13, kSoPasscred = 16, kSoPeercred = 17,
                   kSoRcvtimeo = 20, kSoSndtimeo = 21, kSoAcceptconn = 30, kSoSndbufforce = 32,
                   kSoRcvbufforce = 33, kSoProtocol = 38, kSoDomain = 39;
constexpr int32_t kScmRights = 1, kScmCredentials = 2;
constexpr uint64_t kCmsgHeader = 16;  // struct cmsghdr: size_t len, int level, int type

UnixSocket* sock(OpenFile* f) {
    return static_cast<UnixSocket*>(f->obj);
}

un::Cred current_cred() {
    return un::Cred{int32_t(process::current().pid), 0, 0};  // every domain runs as root
}

UnixSocket* new_socket(uint8_t type) {
    UnixSocket* s =
        un::create(fs::tmp_page_source(sys::files().domain_id), type, current_cred(), 0);
    // Numbered by where it lives: unique while it exists, as a sockfs inode number is.
    if (s != nullptr) s->ino = (reinterpret_cast<uint64_t>(s) >> 12) & 0xFFFFFFF;
    return s;
}

// A descriptor passed with SCM_RIGHTS that nobody will receive: its in-flight reference goes.
// During a domain's teardown the description may be gone already, or going (refs 0).
void drop_file(void* ctx, void* file) {
    auto* f = static_cast<OpenFile*>(file);
    if (f->kind == FileKind::none || f->refs == 0) return;
    if (--f->refs == 0) fs::release_file(*static_cast<fs::DomainFiles*>(ctx), f);
}

void drop_rights(un::Rights* r) {
    for (uint32_t i = 0; i < r->count; i++) drop_file(&sys::files(), r->files[i]);
    r->count = 0;
}

int check_type(uint64_t type, uint64_t protocol, uint8_t* base) {
    if ((type & ~(kSockTypeMask | kSockNonblock | kSockCloexec)) != 0) return -kEINVAL;
    uint64_t t = type & kSockTypeMask;
    if (t >= kSockMax) return -kEINVAL;
    if (t != un::kSockStream && t != un::kSockDgram && t != un::kSockSeqpacket)
        return -kESOCKTNOSUPPORT;
    if (protocol != 0 && protocol != un::kAfUnix) return -kEPROTONOSUPPORT;
    *base = uint8_t(t);
    return 0;
}

// A new description for s on the lowest free descriptor: the descriptor, or -errno (s then
// goes with the description).
int64_t install(UnixSocket* s, uint64_t flags) {
    fs::DomainFiles& df = sys::files();
    OpenFile* f = df.pool.alloc();
    if (f == nullptr) {
        un::close(s, drop_file, &df);
        return -kENFILE;
    }
    f->kind = FileKind::socket_unix;
    f->obj = s;
    f->flags = sys::kORdwr | ((flags & kSockNonblock) ? sys::kONonblock : 0);
    int fd = sys::fds().install(f, 0, flags & kSockCloexec);
    if (fd < 0) fs::release_file(df, f);
    return fd;
}

bool nonblocking(const OpenFile* f, uint64_t flags) {
    return (f->flags & sys::kONonblock) || (flags & kMsgDontwait);
}

uint64_t deadline_for(uint64_t timeo_ns) {
    return timeo_ns == 0 ? 0 : poll::deadline_after(timeo_ns);
}

// Sleeps until the domain's files change: 0 to look again, -EAGAIN when the socket's timeout
// (SO_RCVTIMEO/SO_SNDTIMEO) passed, or what a signal makes of the call (-EINTR with a timeout,
// as Linux's sock_intr_errno, else a restart).
int64_t wait(fs::DomainFiles& df, uint64_t deadline) {
    poll::Wait w = poll::block(df, deadline != 0, deadline);
    if (w == poll::Wait::interrupted) return deadline != 0 ? -kEINTR : -signal::kERestartSys;
    if (w == poll::Wait::timed_out) return -kEAGAIN;
    return 0;
}

// The app's buffers as a Copier, from `skip` bytes in.
struct MsgCopy {
    const UserMsg* m;
    uint64_t skip;
};
int copy_from_msg(void* ctx, uint64_t off, uint8_t* ring, uint32_t n) {
    auto* c = static_cast<MsgCopy*>(ctx);
    return gather(*c->m, c->skip + off, ring, n) == int64_t(n) ? 0 : -kEFAULT;
}
int copy_to_msg(void* ctx, uint64_t off, uint8_t* ring, uint32_t n) {
    auto* c = static_cast<MsgCopy*>(ctx);
    return scatter(*c->m, c->skip + off, ring, n) == int64_t(n) ? 0 : -kEFAULT;
}

// What a sockaddr_un names: its key and name, and in *missing what a connect or sendto gets
// when nothing is bound there (a pathname that is a file: ECONNREFUSED; none: ENOENT).  0 or
// -errno from the path's walk.
int key_of(const un::Addr& a, un::Key* key, un::Name* name, int* missing) {
    if (a.kind == un::Addr::Kind::abstract) {
        un::abstract_key(a.bytes, a.len, key, name);
        *missing = -kECONNREFUSED;
        return 0;
    }
    char path[un::kSunPathMax + 1];
    memcpy(path, a.bytes, a.len);
    path[a.len] = '\0';
    fs::NodeRef dir;
    const char* last;
    size_t last_len;
    if (int r = sys::resolve_parent_at(sys::kAtFdcwd, path, a.len, &dir, &last, &last_len); r != 0)
        return r;
    fs::NodeRef n;
    bool dots =
        last_len == 0 || (last[0] == '.' && (last_len == 1 || (last_len == 2 && last[1] == '.')));
    bool exists = dots || sys::files().tree().lookup(dir, last, last_len, &n) == 0;
    *missing = exists ? -kEADDRINUSE : -kENOENT;  // EADDRINUSE: bind's answer; connect maps it
    if (!un::path_key(dir, last, uint32_t(last_len), a, key, name)) return -kENAMETOOLONG;
    return 0;
}

// copy_addr_in + parse + key_of for connect and sendto.
int dest_key(uint64_t user_addr, uint64_t len, un::Key* key, un::Name* name, int* missing) {
    SockAddr sa;
    if (int r = copy_addr_in(user_addr, len, &sa); r != 0) return r;
    un::Addr a;
    if (int r = un::parse(sa, false, &a); r != 0) return r;
    if (int r = key_of(a, key, name, missing); r != 0) return r;
    if (*missing == -kEADDRINUSE) *missing = -kECONNREFUSED;  // a file, not a socket
    return 0;
}

// Who sent what a reader gets: the peer's name when it has one, else no address (length 0).
void sender_addr(const UnixSocket* s, SockAddr* out) {
    out->len = 0;
    if (s->peer != nullptr && s->peer->name.len != 0) un::to_sockaddr(s->peer->name, out);
}

// recv in all its forms.  *out_flags gets MSG_TRUNC for a cut message; *rights the descriptors
// that came with the bytes (nullptr: they are closed, as a read() of them does on Linux).
int64_t do_recv(OpenFile* f, const UserMsg& m, uint64_t flags, uint32_t* out_flags,
                un::Rights* rights) {
    if (flags & kMsgOob) return -kEOPNOTSUPP;
    fs::DomainFiles& df = sys::files();
    fs::Hold hold(df, f);
    UnixSocket* s = sock(f);
    bool nb = nonblocking(f, flags), peek = flags & kMsgPeek;
    bool stream = s->type == un::kSockStream;
    bool waitall = stream && (flags & kMsgWaitall) && !peek;
    uint64_t deadline = deadline_for(s->rcv_timeo_ns);
    un::Rights got;
    got.count = 0;
    uint64_t done = 0;
    int64_t err = 0;
    for (;;) {
        MsgCopy mc{&m, done};
        un::Copier c{copy_to_msg, &mc};
        un::Rights r;
        int64_t n;
        if (stream) {
            n = un::stream_recv(s, m.total - done, peek, c, &r);
        } else {
            uint32_t full;
            n = un::msg_recv(s, m.total, peek, c, &full, &r);
            if (n >= 0 && full > uint64_t(n)) {
                *out_flags |= kMsgTrunc;
                if (flags & kMsgTrunc) n = full;  // the real length, as Linux's MSG_TRUNC
            }
        }
        if (r.count > 0) got = r;
        if (n > 0 || (n == 0 && !stream)) {
            done += uint64_t(n);
            // Descriptors end a read, even under MSG_WAITALL (Linux's "if (scm.fp) break").
            if (!waitall || done >= m.total || r.count > 0) break;
            continue;
        }
        if (n == 0) break;  // end of stream
        if (n != -kEAGAIN) {
            err = n;
            break;
        }
        if (done > 0 && !waitall) break;
        if (nb) {
            err = -kEAGAIN;
            break;
        }
        if (int64_t w = wait(df, deadline); w != 0) {
            err = w;
            break;
        }
    }
    if (got.count > 0) {
        if (rights != nullptr) {
            *rights = got;
        } else {
            drop_rights(&got);
        }
    }
    // Room for the writer (or an error taken): its waiters look again.
    if (!peek) poll::notify(df);
    return done > 0 || err == 0 ? int64_t(done) : err;
}

// send in all its forms.  dest (SOCK_DGRAM only): the name to send to, looked up at each try
// (missing: its errno when unbound).  rights: taken by the socket once sent (count 0 then).
int64_t do_send(OpenFile* f, const UserMsg& m, uint64_t flags, const un::Key* dest, int missing,
                un::Rights* rights) {
    if (flags & kMsgOob) return -kEOPNOTSUPP;
    fs::DomainFiles& df = sys::files();
    fs::Hold hold(df, f);
    UnixSocket* s = sock(f);
    bool nb = nonblocking(f, flags);
    bool stream = s->type == un::kSockStream;
    uint64_t deadline = deadline_for(s->snd_timeo_ns);
    uint64_t done = 0;
    int64_t err = 0;
    for (;;) {
        MsgCopy mc{&m, done};
        un::Copier c{copy_from_msg, &mc};
        int64_t n;
        if (stream) {
            n = un::stream_send(s, m.total - done, c, rights);
        } else if (dest != nullptr) {
            UnixSocket* to = un::find_bound(df.pool, *dest);
            if (to == nullptr) {
                n = missing;
            } else if (to->type != un::kSockDgram) {
                n = -kEPROTOTYPE;
            } else {
                n = un::msg_send_to(s, to, m.total, c, rights);
            }
        } else {
            n = un::msg_send(s, m.total, c, rights);
        }
        if (n >= 0) {
            done += uint64_t(n);
            if (!stream || done >= m.total || n == 0) break;
            continue;
        }
        if (n == -kEAGAIN) {
            if (nb) {
                err = n;
                break;
            }
            if (done > 0) poll::notify(df);  // what is in is readable while this waits
            if (int64_t w = wait(df, deadline); w != 0) {
                err = w;
                break;
            }
            continue;
        }
        // A stream's writer learns of a gone reader by SIGPIPE too (Linux: only when nothing
        // was sent; never for SOCK_SEQPACKET or SOCK_DGRAM).
        if (n == -kEPIPE && stream && done == 0 && !(flags & kMsgNosignal))
            signal::raise_sigpipe(task::current());
        err = n;
        break;
    }
    poll::notify(df);
    return done > 0 || err == 0 ? int64_t(done) : err;
}

// sendto and sendmsg: the address decides where a datagram goes; a connected stream refuses
// one (EISCONN), an unconnected one cannot use it (EOPNOTSUPP); seqpacket ignores it, as Linux.
int64_t send_to(OpenFile* f, const UserMsg& m, uint64_t flags, uint64_t user_addr,
                uint64_t addr_len, un::Rights* rights) {
    UnixSocket* s = sock(f);
    if (user_addr != 0 && addr_len != 0) {
        if (s->type == un::kSockStream)
            return s->state == un::State::connected ? -kEISCONN : -kEOPNOTSUPP;
        if (s->type == un::kSockDgram) {
            un::Key key;
            un::Name name;
            int missing;
            if (int r = dest_key(user_addr, addr_len, &key, &name, &missing); r != 0) return r;
            return do_send(f, m, flags, &key, missing, rights);
        }
    }
    if (s->type == un::kSockDgram && s->peer == nullptr && s->dest.kind != un::Key::Kind::none)
        return do_send(f, m, flags, &s->dest, -kECONNREFUSED, rights);
    return do_send(f, m, flags, nullptr, 0, rights);
}

// The SCM_RIGHTS descriptors of a sendmsg's control data, each description's reference taken
// (the caller drops what the socket did not take): 0, -EINVAL, -EBADF, -EFAULT.  SCM_CREDENTIALS
// is accepted and not passed on.
int read_rights(const UserMsg& m, un::Rights* r) {
    r->count = 0;
    uint64_t at = 0;
    while (m.control_len >= kCmsgHeader && at <= m.control_len - kCmsgHeader) {
        struct {
            uint64_t len;
            int32_t level;
            int32_t type;
        } h;
        if (mm::copy_from_user(&h, m.control + at, sizeof h) != 0) return -kEFAULT;
        if (h.len < kCmsgHeader || h.len > m.control_len - at) return -kEINVAL;
        if (h.level != int32_t(kSolSocket)) return -kEINVAL;
        if (h.type == kScmRights) {
            uint64_t n = (h.len - kCmsgHeader) / sizeof(int32_t);
            if (n == 0 || r->count + n > un::kMaxRightsFds) return -kEINVAL;
            for (uint64_t i = 0; i < n; i++) {
                int32_t fd;
                if (mm::copy_from_user(&fd, m.control + at + kCmsgHeader + i * 4, 4) != 0)
                    return -kEFAULT;
                OpenFile* g = sys::fds().get(fd);
                if (g == nullptr) return -kEBADF;
                g->refs++;  // in flight: the description lives until received or dropped
                r->files[r->count++] = g;
            }
        } else if (h.type != kScmCredentials) {
            return -kEINVAL;
        }
        at += (h.len + 7) & ~uint64_t(7);
    }
    return 0;
}

// Received descriptors into the caller's table, as one SCM_RIGHTS message in the app's control
// buffer: the control bytes used.  Those that do not fit (room, or the descriptor limit) are
// closed and MSG_CTRUNC is set, as Linux does.
uint64_t put_rights(const UserMsg& m, un::Rights* r, bool cloexec, uint32_t* out_flags) {
    uint64_t room = m.control == 0 ? 0 : m.control_len;
    uint64_t fit = room < kCmsgHeader ? 0 : (room - kCmsgHeader) / sizeof(int32_t);
    int32_t fds[un::kMaxRightsFds];
    uint32_t got = 0;
    for (uint32_t i = 0; i < r->count && got < fit; i++) {
        auto* g = static_cast<OpenFile*>(r->files[i]);
        int fd = sys::fds().install(g, 0, cloexec);
        if (fd < 0) break;
        g->refs--;  // the in-flight reference is the descriptor's now
        fds[got++] = fd;
    }
    for (uint32_t i = got; i < r->count; i++) drop_file(&sys::files(), r->files[i]);
    if (got < r->count) *out_flags |= kMsgCtrunc;
    r->count = 0;
    if (got == 0) return 0;
    struct {
        uint64_t len;
        int32_t level;
        int32_t type;
    } h{kCmsgHeader + got * sizeof(int32_t), int32_t(kSolSocket), kScmRights};
    if (mm::copy_to_user(m.control, &h, sizeof h) != 0 ||
        mm::copy_to_user(m.control + kCmsgHeader, fds, got * sizeof(int32_t)) != 0) {
        *out_flags |= kMsgCtrunc;
        return 0;
    }
    uint64_t space = (h.len + 7) & ~uint64_t(7);  // CMSG_SPACE, as Linux's put_cmsg counts
    return space < room ? space : room;
}

int read_int_opt(uint64_t user_val, uint64_t len, int32_t* v) {
    if (len < sizeof(int32_t)) return -kEINVAL;
    return mm::copy_from_user(v, user_val, sizeof *v) != 0 ? -kEFAULT : 0;
}

}  // namespace

int64_t unix_socket(uint64_t type, uint64_t protocol) {
    uint8_t t;
    if (int r = check_type(type, protocol, &t); r != 0) return r;
    UnixSocket* s = new_socket(t);
    if (s == nullptr) return -kENOMEM;
    return install(s, type);
}

int64_t unix_socketpair(uint64_t type, uint64_t protocol, uint64_t user_sv) {
    uint8_t t;
    if (int r = check_type(type, protocol, &t); r != 0) return r;
    fs::DomainFiles& df = sys::files();
    UnixSocket* a = new_socket(t);
    UnixSocket* b = a != nullptr ? new_socket(t) : nullptr;
    if (b == nullptr) {
        if (a != nullptr) un::close(a, drop_file, &df);
        return -kENOMEM;
    }
    un::pair(a, b, current_cred());
    int64_t fa = install(a, type);
    if (fa < 0) {
        un::close(b, drop_file, &df);
        return fa;
    }
    int64_t fb = install(b, type);
    int32_t sv[2] = {int32_t(fa), int32_t(fb)};
    if (fb < 0 || mm::copy_to_user(user_sv, sv, sizeof sv) != 0) {
        bool bad;
        int64_t fds[2] = {fa, fb};
        for (int64_t fd : fds) {
            if (fd < 0) continue;
            if (OpenFile* last = sys::fds().close(fd, &bad)) fs::release_file(df, last);
        }
        return fb < 0 ? fb : -kEFAULT;
    }
    return 0;
}

int64_t unix_bind(OpenFile* f, uint64_t user_addr, uint64_t len) {
    SockAddr sa;
    if (int r = copy_addr_in(user_addr, len, &sa); r != 0) return r;
    un::Addr a;
    if (int r = un::parse(sa, true, &a); r != 0) return r;
    UnixSocket* s = sock(f);
    fs::DomainFiles& df = sys::files();
    un::Key key;
    un::Name name;
    // As Linux: a path in use is EADDRINUSE before a socket bound already is EINVAL (the mknod
    // comes first there); for abstract names and autobind the order is the other way.
    if (a.kind == un::Addr::Kind::path) {
        int missing;
        if (int r = key_of(a, &key, &name, &missing); r != 0) return r;
        // A path that names a file, or that some socket of the domain holds, is in use.
        if (missing == -kEADDRINUSE || un::find_bound(df.pool, key) != nullptr) return -kEADDRINUSE;
    }
    if (s->name.len != 0) return -kEINVAL;  // bound already (even if unlinked since)
    if (a.kind == un::Addr::Kind::autobind) {
        // The lowest free name of this domain: a counter shared by all domains would let one
        // see how many names another took.  At most 128 sockets, so at most 129 tries.
        uint32_t next = 0;
        if (!un::autobind_name(df.pool, &next, &key, &name)) return -kENOSPC;
    } else if (a.kind == un::Addr::Kind::abstract) {
        int missing;
        if (int r = key_of(a, &key, &name, &missing); r != 0) return r;
        if (un::find_bound(df.pool, key) != nullptr) return -kEADDRINUSE;
    }
    s->key = key;
    s->name = name;
    s->gen++;
    return 0;
}

int64_t unix_listen(OpenFile* f, uint64_t backlog) {
    int r = un::listen(sock(f), int(int32_t(backlog)), current_cred());
    if (r == 0) poll::notify(sys::files());
    return r;
}

int64_t unix_accept(OpenFile* f, uint64_t user_addr, uint64_t user_len_ptr, uint64_t flags) {
    if ((flags & ~(kSockNonblock | kSockCloexec)) != 0) return -kEINVAL;
    UnixSocket* l = sock(f);
    if (l->type == un::kSockDgram) return -kEOPNOTSUPP;
    if (l->state != un::State::listening) return -kEINVAL;
    fs::DomainFiles& df = sys::files();
    fs::Hold hold(df, f);
    uint64_t deadline = deadline_for(l->rcv_timeo_ns);
    while (l->backlog_len == 0) {
        if (nonblocking(f, 0)) return -kEAGAIN;
        if (int64_t w = wait(df, deadline); w != 0) return w;
    }
    OpenFile* nf = df.pool.alloc();
    if (nf == nullptr) return -kENFILE;
    nf->kind = FileKind::socket_unix;
    nf->flags = sys::kORdwr | ((flags & kSockNonblock) ? sys::kONonblock : 0);
    int fd = sys::fds().install(nf, 0, flags & kSockCloexec);
    if (fd < 0) {
        df.pool.free(nf);
        return fd;
    }
    UnixSocket* e = un::accept(l);
    nf->obj = e;
    poll::notify(df);  // a connect waiting for room in the backlog looks again
    SockAddr sa;
    un::to_sockaddr(e->peer != nullptr ? e->peer->name : un::Name{}, &sa);
    if (int r = copy_addr_out(sa, user_addr, user_len_ptr); r != 0) {
        bool bad;
        if (OpenFile* last = sys::fds().close(fd, &bad)) fs::release_file(df, last);
        return r;
    }
    return fd;
}

int64_t unix_connect(OpenFile* f, uint64_t user_addr, uint64_t len) {
    UnixSocket* s = sock(f);
    fs::DomainFiles& df = sys::files();
    if (s->type == un::kSockDgram) {
        SockAddr sa;
        if (int r = copy_addr_in(user_addr, len, &sa); r != 0) return r;
        if (sa.family() == 0) {  // AF_UNSPEC: forget the destination
            s->dest.kind = un::Key::Kind::none;
            return 0;
        }
    }
    un::Key key;
    un::Name name;
    int missing;
    if (int r = dest_key(user_addr, len, &key, &name, &missing); r != 0) return r;
    if (s->type == un::kSockDgram) {
        UnixSocket* to = un::find_bound(df.pool, key);
        if (to == nullptr) return missing;
        if (to->type != un::kSockDgram) return -kEPROTOTYPE;
        s->dest = key;
        s->dest_name = to->name;
        s->gen++;
        return 0;
    }
    fs::Hold hold(df, f);
    uint64_t deadline = deadline_for(s->snd_timeo_ns);
    UnixSocket* embryo = nullptr;
    int64_t err;
    for (;;) {
        // Looked up at every try: the listener may have gone while this waited.
        UnixSocket* l = un::find_bound(df.pool, key);
        if (l == nullptr) {
            err = s->state == un::State::connected ? -kEISCONN : missing;
            break;
        }
        if (embryo == nullptr) embryo = new_socket(s->type);
        if (embryo == nullptr) {
            err = -kENOMEM;
            break;
        }
        err = un::connect(s, l, embryo, current_cred());
        if (err == 0) {
            poll::notify(df);  // accept() and pollers of the listener
            return 0;
        }
        // A full backlog: Linux's connect waits for room, or fails with EAGAIN.
        if (err != -kEAGAIN || nonblocking(f, 0)) break;
        if (int64_t w = wait(df, deadline); w != 0) {
            err = w;
            break;
        }
    }
    if (embryo != nullptr) un::close(embryo, drop_file, &df);
    return err;
}

int64_t unix_sendto(OpenFile* f, uint64_t user_buf, uint64_t len, uint64_t flags,
                    uint64_t user_addr, uint64_t addr_len) {
    if (len > sys::kMaxRwCount) len = sys::kMaxRwCount;
    return send_to(f, single_buffer(user_buf, len), flags, user_addr, addr_len, nullptr);
}

int64_t unix_recvfrom(OpenFile* f, uint64_t user_buf, uint64_t len, uint64_t flags,
                      uint64_t user_addr, uint64_t user_len_ptr) {
    if (len > sys::kMaxRwCount) len = sys::kMaxRwCount;
    uint32_t out_flags = 0;
    int64_t n = do_recv(f, single_buffer(user_buf, len), flags, &out_flags, nullptr);
    if (n >= 0 && user_addr != 0) {
        SockAddr sa;
        sender_addr(sock(f), &sa);
        if (int r = copy_addr_out(sa, user_addr, user_len_ptr); r != 0) return r;
    }
    return n;
}

int64_t unix_sendmsg(OpenFile* f, uint64_t user_msg, uint64_t flags) {
    UserMsg m;
    if (int r = read_msghdr(user_msg, &m); r != 0) return r;
    un::Rights rights;
    int r = read_rights(m, &rights);
    int64_t n = r != 0 ? r : send_to(f, m, flags, m.name, m.name_len, &rights);
    drop_rights(&rights);  // what the socket did not take
    return n;
}

int64_t unix_recvmsg(OpenFile* f, uint64_t user_msg, uint64_t flags) {
    UserMsg m;
    if (int r = read_msghdr(user_msg, &m); r != 0) return r;
    uint32_t out_flags = 0;
    un::Rights rights;
    rights.count = 0;
    int64_t n = do_recv(f, m, flags, &out_flags, &rights);
    if (n < 0) return n;
    uint32_t name_len = 0;
    if (m.name != 0) {
        SockAddr sa;
        sender_addr(sock(f), &sa);
        uint32_t k = sa.len < m.name_len ? sa.len : m.name_len;
        if (k > 0 && mm::copy_to_user(m.name, sa.bytes, k) != 0) return -kEFAULT;
        name_len = sa.len;
    }
    uint64_t control_used =
        rights.count > 0 ? put_rights(m, &rights, flags & kMsgCmsgCloexec, &out_flags) : 0;
    if (int r = finish_recvmsg(user_msg, name_len, out_flags); r != 0) return r;
    if (control_used > 0 && mm::copy_to_user(user_msg + 40 /* msg_controllen */, &control_used,
                                             sizeof control_used) != 0) {
        return -kEFAULT;
    }
    return n;
}

int64_t unix_shutdown(OpenFile* f, uint64_t how) {
    // As Linux's unix_shutdown: no ENOTCONN, an unconnected socket just stops moving data.
    int r = un::shutdown(sock(f), int(int32_t(how)));
    if (r == 0) poll::notify(sys::files());
    return r;
}

int64_t unix_getsockname(OpenFile* f, uint64_t user_addr, uint64_t user_len_ptr) {
    SockAddr sa;
    un::to_sockaddr(sock(f)->name, &sa);
    return copy_addr_out(sa, user_addr, user_len_ptr);
}

int64_t unix_getpeername(OpenFile* f, uint64_t user_addr, uint64_t user_len_ptr) {
    UnixSocket* s = sock(f);
    const un::Name* n = nullptr;
    if (s->peer != nullptr) {
        n = &s->peer->name;
    } else if (s->type == un::kSockDgram && s->dest.kind != un::Key::Kind::none) {
        n = &s->dest_name;
    }
    if (n == nullptr) return -kENOTCONN;
    SockAddr sa;
    un::to_sockaddr(*n, &sa);
    return copy_addr_out(sa, user_addr, user_len_ptr);
}

int64_t unix_setsockopt(OpenFile* f, uint64_t level, uint64_t name, uint64_t user_val,
                        uint64_t len) {
    UnixSocket* s = sock(f);
    if (level != kSolSocket) return -kENOPROTOOPT;
    switch (name) {
        case kSoRcvtimeo:
        case kSoSndtimeo: {
            struct {
                int64_t sec;
                int64_t usec;
            } tv;
            if (len < sizeof tv) return -kEINVAL;
            if (mm::copy_from_user(&tv, user_val, sizeof tv) != 0) return -kEFAULT;
            if (tv.usec < 0 || tv.usec >= 1000000) return -kEDOM;
            // Negative is "no timeout" (Linux), as is zero.
            uint64_t ns = tv.sec < 0 ? 0
                          : uint64_t(tv.sec) > UINT64_MAX / 2000000000ull
                              ? UINT64_MAX / 2
                              : uint64_t(tv.sec) * 1000000000ull + uint64_t(tv.usec) * 1000ull;
            (name == kSoRcvtimeo ? s->rcv_timeo_ns : s->snd_timeo_ns) = ns;
            return 0;
        }
        case kSoPasscred: {
            int32_t v;
            if (int r = read_int_opt(user_val, len, &v); r != 0) return r;
            s->pass_cred = v != 0;
            return 0;
        }
        case kSoReuseaddr:
        case kSoSndbuf:
        case kSoRcvbuf:
        case kSoSndbufforce:
        case kSoRcvbufforce:
        case kSoKeepalive: {
            // Accepted and without effect: a unix socket's buffer is one 64 KiB ring.
            int32_t v;
            return read_int_opt(user_val, len, &v);
        }
        case kSoLinger:
            return len < 8 ? -kEINVAL : 0;
        default:
            return -kENOPROTOOPT;
    }
}

int64_t unix_getsockopt(OpenFile* f, uint64_t level, uint64_t name, uint64_t user_val,
                        uint64_t user_len_ptr) {
    UnixSocket* s = sock(f);
    if (level != kSolSocket) return -kENOPROTOOPT;
    int32_t room;
    if (mm::copy_from_user(&room, user_len_ptr, sizeof room) != 0) return -kEFAULT;
    if (room < 0) return -kEINVAL;
    uint8_t val[16] = {};
    uint32_t size = sizeof(int32_t);
    auto put_int = [&](int32_t v) { memcpy(val, &v, sizeof v); };
    switch (name) {
        case kSoType:
            put_int(s->type);
            break;
        case kSoDomain:
            put_int(un::kAfUnix);
            break;
        case kSoProtocol:
            put_int(0);
            break;
        case kSoError:
            put_int(s->err);
            s->err = 0;
            break;
        case kSoAcceptconn:
            put_int(s->state == un::State::listening);
            break;
        case kSoPasscred:
            put_int(s->pass_cred);
            break;
        case kSoSndbuf:
        case kSoRcvbuf:
            put_int(int32_t(pipe::kCapacity));
            break;
        case kSoReuseaddr:
        case kSoKeepalive:
            put_int(0);
            break;
        case kSoPeercred:
            memcpy(val, &s->peer_cred, sizeof s->peer_cred);
            size = sizeof s->peer_cred;
            break;
        case kSoRcvtimeo:
        case kSoSndtimeo: {
            uint64_t ns = name == kSoRcvtimeo ? s->rcv_timeo_ns : s->snd_timeo_ns;
            int64_t tv[2] = {int64_t(ns / 1000000000ull), int64_t(ns % 1000000000ull / 1000)};
            memcpy(val, tv, sizeof tv);
            size = sizeof tv;
            break;
        }
        default:
            return -kENOPROTOOPT;
    }
    uint32_t n = uint32_t(room) < size ? uint32_t(room) : size;
    if (mm::copy_to_user(user_val, val, n) != 0) return -kEFAULT;
    int32_t out = int32_t(n);
    return mm::copy_to_user(user_len_ptr, &out, sizeof out) != 0 ? -kEFAULT : 0;
}

int64_t unix_recv(OpenFile* f, const UserMsg& m, uint64_t flags) {
    uint32_t out_flags = 0;
    return do_recv(f, m, flags, &out_flags, nullptr);
}

int64_t unix_send(OpenFile* f, const UserMsg& m, uint64_t flags) {
    return send_to(f, m, flags, 0, 0, nullptr);
}

int64_t unix_fionread(OpenFile* f) {
    UnixSocket* s = sock(f);
    if (s->state == un::State::listening) return -kEINVAL;
    return un::readable_bytes(s);
}

uint32_t unix_ready_mask(fs::DomainFiles&, OpenFile* f, uint32_t* gen) {
    if (f->obj == nullptr) {
        *gen = 0;
        return 0;
    }
    return un::ready(sock(f), gen);
}

void unix_release(fs::DomainFiles& df, OpenFile* f) {
    if (f->obj != nullptr) un::close(sock(f), drop_file, &df);
    f->obj = nullptr;
}

bool unix_unlink(fs::DomainFiles& df, fs::NodeRef dir, const char* name, size_t len) {
    if (len > un::kSunPathMax) return false;
    un::Key k;
    k.kind = un::Key::Kind::path;
    k.dir = dir;
    k.len = uint8_t(len);
    memcpy(k.bytes, name, len);
    if (!un::unbind(df.pool, k)) return false;
    poll::notify(df);
    return true;
}

}  // namespace uk::net
