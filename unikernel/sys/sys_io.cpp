// Data through descriptors: read, write, readv, writev, pread64, pwrite64, lseek, sendfile,
// ioctl.  stdin is always at EOF; stdout and stderr go to the domain's buffered console
// streams; files are the read-only tree's (read only) and /tmp's; pipes, eventfds and timerfds
// are served by pipe/ and eventfd/, sockets by net/.
#include "console/console.hpp"
#include "dev/dev_files.hpp"
#include "domain/domain.hpp"
#include "eventfd/eventfd_sys.hpp"
#include "fs/path_walk.hpp"
#include "lib/string.hpp"
#include "mm/address_space.hpp"
#include "mm/user_access.hpp"
#include "net/socket_sys.hpp"
#include "proc/proc_files.hpp"
#include "pipe/pipe.hpp"
#include "pipe/pipe_io.hpp"
#include "poll/readiness.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "sys/syscall.hpp"
#include "time/clock.hpp"

namespace uk::sys {
namespace {

using fs::FileKind;
using fs::NodeKind;
using fs::OpenFile;

constexpr int64_t kMaxIov = 1024;  // UIO_MAXIOV
// Console output per call.  A syscall runs with interrupts off, and writev can name one small
// buffer 1024 times (or sendfile a sparse /tmp file): without a cap one call could push 2 GiB
// through the console while every other domain waits, with no memory to bound it.  A write to
// the console may be short, as to a pipe or a terminal on Linux; libc loops (docs/syscalls.md).
constexpr uint64_t kConsoleMaxPerCall = 64 * 1024;
constexpr uint64_t kSeekSet = 0, kSeekCur = 1, kSeekEnd = 2;
constexpr uint64_t kFionread = 0x541B, kFionbio = 0x5421;

// Reads of a /tmp hole copy from here.
alignas(64) const uint8_t kZeros[fs::kTmpPageSize] = {};

console::Stream* output_stream(const OpenFile* f) {
    domain::Domain& d = domain::current();
    if (f->kind == FileKind::console_out) return d.out;
    if (f->kind == FileKind::console_err) return d.err;
    return nullptr;
}

// Copies user bytes into the stream's buffer without an intermediate copy.  Returns bytes
// taken, or -EFAULT if none could be.
int64_t write_to_stream(console::Stream* s, uint64_t buf, uint64_t count) {
    uint64_t done = 0;
    while (done < count) {
        if (s->room() == 0) s->flush();
        uint64_t chunk = count - done < s->room() ? count - done : s->room();
        if (mm::copy_from_user(s->tail(), buf + done, chunk) != 0) {
            return done > 0 ? int64_t(done) : -kEFAULT;
        }
        s->commit(chunk);
        done += chunk;
    }
    return int64_t(done);
}

struct UserIovec {
    uint64_t base;
    uint64_t len;
};

// Descriptors without a position: pread/pwrite on them are -ESPIPE (Linux checks FMODE_PREAD
// first); the console streams keep -EBADF for the direction they do not allow.
bool stream_like(const OpenFile* f, bool for_read) {
    switch (f->kind) {
        case FileKind::console_in:
            return for_read;
        case FileKind::console_out:
        case FileKind::console_err:
            return !for_read;
        case FileKind::pipe_read:
        case FileKind::pipe_write:
        case FileKind::eventfd:
        case FileKind::timerfd:
        case FileKind::socket_inet:
        case FileKind::socket_unix:
            return true;
        default:
            return false;
    }
}

bool readable(const OpenFile* f) {
    return (f->flags & kOAccmode) != kOWronly;
}
bool writable(const OpenFile* f) {
    return (f->flags & kOAccmode) == kOWronly || (f->flags & kOAccmode) == kORdwr;
}

uint64_t file_size(const OpenFile* f) {
    return files().tree().info(f->node).size;
}

// One read at the description's position (or at *at for pread), advancing it.
int64_t read_file(OpenFile* f, uint64_t buf, uint64_t count, const uint64_t* at) {
    switch (f->kind) {
        case FileKind::console_in:
            if (at != nullptr) return -kESPIPE;
            // stdin is empty.  Whatever the app printed (a prompt) must be visible before it
            // would wait for input, as with a real terminal.
            console::flush_domain(domain::current().id);
            return 0;
        case FileKind::node: {
            if (!readable(f)) return -kEBADF;
            if (files().tree().is_dir(f->node)) return -kEISDIR;
            if (count > kMaxRwCount) count = kMaxRwCount;
            int64_t r = node_read(f->node, at != nullptr ? *at : f->pos, buf, count);
            // A device has no position (dev/dev_files.hpp).
            if (r > 0 && at == nullptr && f->node.kind != NodeKind::dev) f->pos += uint64_t(r);
            return r;
        }
        case FileKind::pipe_read:
            return at != nullptr ? -kESPIPE : pipe::read(f, buf, count);
        case FileKind::eventfd:
            return at != nullptr ? -kESPIPE : eventfd::read(f, buf, count);
        case FileKind::timerfd:
            return at != nullptr ? -kESPIPE : eventfd::timer_read(f, buf, count);
        case FileKind::socket_inet:
        case FileKind::socket_unix:
            return at != nullptr ? -kESPIPE : net::socket_read(f, buf, count);
        default:
            return -kEBADF;
    }
}

int64_t write_file(OpenFile* f, uint64_t buf, uint64_t count, const uint64_t* at) {
    if (count > kMaxRwCount) count = kMaxRwCount;
    if (console::Stream* s = output_stream(f)) {
        if (at != nullptr) return -kESPIPE;
        if (count > kConsoleMaxPerCall) count = kConsoleMaxPerCall;
        return count == 0 ? 0 : write_to_stream(s, buf, count);
    }
    if (f->kind == FileKind::pipe_write) {
        return at != nullptr ? -kESPIPE : pipe::write(f, buf, count);
    }
    if (f->kind == FileKind::eventfd) {
        return at != nullptr ? -kESPIPE : eventfd::write(f, buf, count);
    }
    if (net::is_socket(f)) return at != nullptr ? -kESPIPE : net::socket_write(f, buf, count);
    if (f->kind != FileKind::node || !writable(f)) return -kEBADF;
    // O_APPEND writes at the end even for pwrite (Linux's documented bug, kept for fidelity).
    uint64_t off = (f->flags & kOAppend) ? file_size(f) : at != nullptr ? *at : f->pos;
    if (count == 0) return 0;
    int64_t r = node_write(f->node, off, buf, count);
    if (r > 0 && at == nullptr && f->node.kind != NodeKind::dev) f->pos = off + uint64_t(r);
    return r;
}

// Validates a whole iovec array (every entry and every buffer, total within ssize_t) before
// any byte moves, as Linux does.  Only the VMAs are checked (O(VMAs) per entry, whatever its
// length): pages are faulted in by the copies themselves, so the work done is bounded by the
// bytes really moved (at most kMaxRwCount), never by the length an app claims.
int64_t check_iov(uint64_t iov, int64_t iovcnt, mm::Access access) {
    if (iovcnt < 0 || iovcnt > kMaxIov) return -kEINVAL;
    uint64_t total = 0;
    for (int64_t i = 0; i < iovcnt; i++) {
        UserIovec v;
        if (mm::copy_from_user(&v, iov + uint64_t(i) * sizeof v, sizeof v) != 0) return -kEFAULT;
        if (v.len > uint64_t(INT64_MAX) - total) return -kEINVAL;
        total += v.len;
        if (v.len != 0 &&
            process::current().as.check_access(v.base, v.len, access) != mm::FaultKind::none) {
            return -kEFAULT;
        }
    }
    return 0;
}

}  // namespace

int64_t node_read(fs::NodeRef n, uint64_t off, uint64_t user_buf, uint64_t count) {
    fs::DomainFiles& df = files();
    if (n.kind == NodeKind::proc) return proc::read(n, off, user_buf, count);
    if (n.kind == NodeKind::dev) return dev::read(n, user_buf, count);
    if (n.kind == NodeKind::ro) {
        er_fs_entry e = df.ro.entry(n.ro);
        if (off >= e.size) return 0;
        uint64_t len = e.size - off < count ? e.size - off : count;
        if (mm::copy_to_user(user_buf, df.ro.data(e) + off, len) != 0) return -kEFAULT;
        return int64_t(len);
    }
    uint64_t done = 0;
    while (done < count) {
        uint64_t len;
        const uint8_t* p = df.fs(n).read_span(n.tmp, off + done, &len);
        if (len == 0) break;
        if (len > count - done) len = count - done;
        if (mm::copy_to_user(user_buf + done, p != nullptr ? p : kZeros, len) != 0) {
            return done > 0 ? int64_t(done) : -kEFAULT;
        }
        done += len;
    }
    return int64_t(done);
}

int64_t node_write(fs::NodeRef n, uint64_t off, uint64_t user_buf, uint64_t count) {
    if (n.kind == NodeKind::dev) return dev::write(n, count);
    if (n.kind != NodeKind::tmp) return -kEROFS;
    fs::DomainFiles& df = files();
    if (off >= fs::kTmpMaxFileSize) return -kEFBIG;
    uint64_t done = 0;
    int64_t err = 0;
    while (done < count) {
        uint64_t len;
        uint8_t* p = df.fs(n).write_span(n.tmp, off + done, &len);
        if (p == nullptr) {
            err = len == 0 ? -kEFBIG : -kENOSPC;
            break;
        }
        if (len > count - done) len = count - done;
        if (mm::copy_from_user(p, user_buf + done, len) != 0) {
            err = -kEFAULT;
            break;
        }
        done += len;
    }
    if (done == 0) return err;
    if (off + done > n.tmp->size) n.tmp->size = off + done;
    n.tmp->mtime_ns = time::realtime_ns();
    return int64_t(done);
}

int64_t sys_read(const Args& a) {
    OpenFile* f = fds().get(int64_t(a.a0));
    if (f == nullptr) return -kEBADF;
    return read_file(f, a.a1, a.a2, nullptr);
}

int64_t sys_write(const Args& a) {
    OpenFile* f = fds().get(int64_t(a.a0));
    if (f == nullptr) return -kEBADF;
    return write_file(f, a.a1, a.a2, nullptr);
}

int64_t sys_pread64(const Args& a) {
    OpenFile* f = fds().get(int64_t(a.a0));
    if (f == nullptr) return -kEBADF;
    if (int64_t(a.a3) < 0) return -kEINVAL;
    if (f->kind != FileKind::node) return stream_like(f, true) ? -kESPIPE : -kEBADF;
    return read_file(f, a.a1, a.a2, &a.a3);
}

int64_t sys_pwrite64(const Args& a) {
    OpenFile* f = fds().get(int64_t(a.a0));
    if (f == nullptr) return -kEBADF;
    if (int64_t(a.a3) < 0) return -kEINVAL;
    if (f->kind != FileKind::node) return stream_like(f, false) ? -kESPIPE : -kEBADF;
    return write_file(f, a.a1, a.a2, &a.a3);
}

int64_t sys_writev(const Args& a) {
    OpenFile* f = fds().get(int64_t(a.a0));
    if (f == nullptr) return -kEBADF;
    // A socket takes the whole iovec list in one send (one message for a datagram socket).
    if (net::is_socket(f)) return net::socket_writev(f, a.a1, a.a2);
    if (output_stream(f) == nullptr && !stream_like(f, false) &&
        (f->kind != FileKind::node || !writable(f))) {
        return -kEBADF;
    }
    if (int64_t r = check_iov(a.a1, int64_t(a.a2), mm::Access::read); r != 0) return r;
    const uint64_t limit = output_stream(f) != nullptr ? kConsoleMaxPerCall : kMaxRwCount;
    int64_t written = 0;
    for (int64_t i = 0; i < int64_t(a.a2) && uint64_t(written) < limit; i++) {
        UserIovec v;
        if (mm::copy_from_user(&v, a.a1 + uint64_t(i) * sizeof v, sizeof v) != 0) return -kEFAULT;
        uint64_t len = v.len < limit - uint64_t(written) ? v.len : limit - written;
        if (len == 0) continue;
        int64_t r = write_file(f, v.base, len, nullptr);
        if (r < 0) return written > 0 ? written : r;
        written += r;
        if (uint64_t(r) < len) break;
    }
    return written;
}

int64_t sys_readv(const Args& a) {
    OpenFile* f = fds().get(int64_t(a.a0));
    if (f == nullptr) return -kEBADF;
    if (net::is_socket(f)) return net::socket_readv(f, a.a1, a.a2);
    if (int64_t r = check_iov(a.a1, int64_t(a.a2), mm::Access::write); r != 0) return r;
    int64_t got = 0;
    for (int64_t i = 0; i < int64_t(a.a2); i++) {
        UserIovec v;
        if (mm::copy_from_user(&v, a.a1 + uint64_t(i) * sizeof v, sizeof v) != 0) return -kEFAULT;
        if (v.len == 0) continue;
        // A pipe that has given some bytes and has no more ends the call rather than block.
        uint32_t gen;
        if (got > 0 && !(poll::ready_mask(files(), f, &gen) & 0x1)) break;
        int64_t r = read_file(f, v.base, v.len, nullptr);
        if (r < 0) return got > 0 ? got : r;
        got += r;
        if (uint64_t(r) < v.len) break;
    }
    return got;
}

int64_t sys_lseek(const Args& a) {
    OpenFile* f = fds().get(int64_t(a.a0));
    if (f == nullptr) return -kEBADF;
    if (f->kind != FileKind::node) return -kESPIPE;
    if (f->node.kind == NodeKind::dev && f->node.ro != 0) {
        f->pos = 0;  // as Linux's null_lseek: a device has no position
        return 0;
    }
    int64_t off = int64_t(a.a1);
    int64_t base;
    switch (a.a2) {
        case kSeekSet:
            base = 0;
            break;
        case kSeekCur:
            base = int64_t(f->pos);
            break;
        case kSeekEnd:
            base = int64_t(file_size(f));
            break;
        default:
            return -kEINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off)) return -kEOVERFLOW;
    int64_t to = base + off;
    if (to < 0) return -kEINVAL;
    f->pos = uint64_t(to);
    return to;
}

namespace {

// sendfile to a socket: the input file's bytes from `off` on, copied into the socket's bounce
// buffer (net::socket_send_kernel).
struct FileBytes {
    fs::DomainFiles* df;
    const OpenFile* in;
    uint64_t off;
};

int64_t copy_file_bytes(const void* ctx, uint64_t at, void* dst, uint64_t n) {
    const auto* c = static_cast<const FileBytes*>(ctx);
    fs::DomainFiles& df = *c->df;
    fs::NodeRef node = c->in->node;
    uint64_t done = 0;
    while (done < n) {
        uint64_t pos = c->off + at + done;
        const uint8_t* p;
        uint64_t len;
        if (node.kind == NodeKind::ro) {
            er_fs_entry e = df.ro.entry(node.ro);
            if (pos >= e.size) break;
            len = e.size - pos;
            p = df.ro.data(e) + pos;
        } else {
            p = df.fs(node).read_span(node.tmp, pos, &len);
            if (len == 0) break;
            if (p == nullptr) p = kZeros;
        }
        if (len > n - done) len = n - done;
        memcpy(static_cast<uint8_t*>(dst) + done, p, len);
        done += len;
    }
    return int64_t(done);
}

}  // namespace

int64_t sys_sendfile(const Args& a) {
    fs::DomainFiles& df = files();
    OpenFile* out = fds().get(int64_t(a.a0));
    OpenFile* in = fds().get(int64_t(a.a1));
    if (out == nullptr || in == nullptr) return -kEBADF;
    if (in->kind != FileKind::node || !readable(in)) return -kEBADF;
    if (df.tree().is_dir(in->node)) return -kEINVAL;
    // Generated text and devices: apps fall back to read.
    if (in->node.kind == NodeKind::proc || in->node.kind == NodeKind::dev) return -kEINVAL;
    uint64_t off = in->pos;
    if (a.a2 != 0) {
        if (mm::copy_from_user(&off, a.a2, sizeof off) != 0) return -kEFAULT;
        if (int64_t(off) < 0) return -kEINVAL;
    }
    if (out->kind == FileKind::socket_inet) {
        // To a host socket: through the socket's bounce buffer, 64 KiB per exit, blocking as
        // write() does (busybox httpd and Go serve files this way).
        uint64_t size = file_size(in);
        uint64_t count = off >= size ? 0 : size - off < a.a3 ? size - off : a.a3;
        if (count > kMaxRwCount) count = kMaxRwCount;
        int64_t r = 0;
        fs::Hold hold(df, in);  // the send may wait, and another thread may close `in`
        if (count > 0) {
            FileBytes src{&df, in, off};
            r = net::socket_send_kernel(out, copy_file_bytes, &src, count);
        }
        if (r < 0) return r;
        if (a.a2 != 0) {
            uint64_t end = off + uint64_t(r);
            if (mm::copy_to_user(a.a2, &end, sizeof end) != 0) return -kEFAULT;
        } else {
            in->pos = off + uint64_t(r);
        }
        return r;
    }
    uint64_t count = a.a3 < kConsoleMaxPerCall ? a.a3 : kConsoleMaxPerCall;  // the console only
    console::Stream* s = output_stream(out);
    if (s == nullptr) {
        // Only the console as a target: a /tmp target goes through the app's read/write
        // fallback (glibc and busybox fall back on -EINVAL, as for any unsupported pair).
        // Likewise a pipe (busybox cat falls back to read/write).
        bool target = (out->kind == FileKind::node && writable(out)) ||
                      out->kind == FileKind::pipe_write || net::is_socket(out);
        return target ? -kEINVAL : -kEBADF;
    }
    uint64_t done = 0;
    while (done < count) {
        const uint8_t* p;
        uint64_t len;
        if (in->node.kind == NodeKind::ro) {
            er_fs_entry e = df.ro.entry(in->node.ro);
            if (off + done >= e.size) break;
            len = e.size - (off + done);
            p = df.ro.data(e) + off + done;
        } else {
            p = df.fs(in->node).read_span(in->node.tmp, off + done, &len);
            if (len == 0) break;
            if (p == nullptr) p = kZeros;
        }
        if (len > count - done) len = count - done;
        s->write(reinterpret_cast<const char*>(p), len);
        done += len;
    }
    if (a.a2 != 0) {
        uint64_t end = off + done;
        if (mm::copy_to_user(a.a2, &end, sizeof end) != 0) return -kEFAULT;
    } else {
        in->pos = off + done;
    }
    return int64_t(done);
}

int64_t sys_ioctl(const Args& a) {
    // Nothing here is a terminal: TCGETS, TIOCGWINSZ and every other request fail the way they
    // do on a non-tty (libc then buffers stdout fully).
    OpenFile* f = fds().get(int64_t(a.a0));
    if (f == nullptr) return -kEBADF;
    if (a.a1 == kFionread && f->kind == FileKind::pipe_read) {
        int32_t n = int32_t(static_cast<const pipe::Pipe*>(f->obj)->count);
        return mm::copy_to_user(a.a2, &n, sizeof n) != 0 ? -kEFAULT : 0;
    }
    if (a.a1 == kFionread && net::is_socket(f)) return net::socket_fionread(f, a.a2);
    if (a.a1 == kFionbio) {
        // Any descriptor, as Linux: the same O_NONBLOCK bit fcntl(F_SETFL) sets.
        int32_t on;
        if (mm::copy_from_user(&on, a.a2, sizeof on) != 0) return -kEFAULT;
        f->flags = on != 0 ? (f->flags | kONonblock) : (f->flags & ~kONonblock);
        return 0;
    }
    return -kENOTTY;
}

}  // namespace uk::sys
