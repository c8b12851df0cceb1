// read, write, writev, ioctl on the three standard descriptors.  stdin is always at EOF; stdout
// and stderr go to the domain's buffered console streams.
#include "console/console.hpp"
#include "domain/domain.hpp"
#include "mm/address_space.hpp"
#include "mm/user_access.hpp"
#include "sys/errno.hpp"
#include "sys/syscall.hpp"

namespace uk::sys {
namespace {

// Linux caps one read/write at MAX_RW_COUNT (INT_MAX rounded down to a page).
constexpr uint64_t kMaxRwCount = 0x7FFF'F000;
constexpr int64_t kMaxIov = 1024;  // UIO_MAXIOV

console::Stream* output_stream(uint64_t fd) {
    domain::Domain& d = domain::current();
    if (fd == 1) return d.out;
    if (fd == 2) return d.err;
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

}  // namespace

int64_t sys_read(const Args& a) {
    if (a.a0 != 0) return -kEBADF;
    // stdin is empty.  Whatever the app printed (a prompt) must be visible before it would wait
    // for input, as with a real terminal.
    console::flush_domain(domain::current().id);
    return 0;
}

int64_t sys_write(const Args& a) {
    console::Stream* s = output_stream(a.a0);
    if (s == nullptr) return -kEBADF;
    uint64_t count = a.a2 < kMaxRwCount ? a.a2 : kMaxRwCount;
    if (count == 0) return 0;
    return write_to_stream(s, a.a1, count);
}

int64_t sys_writev(const Args& a) {
    console::Stream* s = output_stream(a.a0);
    if (s == nullptr) return -kEBADF;
    int64_t iovcnt = int64_t(a.a2);
    if (iovcnt < 0 || iovcnt > kMaxIov) return -kEINVAL;
    // First pass: every iovec readable, every buffer readable, total within ssize_t, before
    // a single byte is written (Linux validates the whole vector first too).
    uint64_t total = 0;
    for (int64_t i = 0; i < iovcnt; i++) {
        UserIovec v;
        if (mm::copy_from_user(&v, a.a1 + uint64_t(i) * sizeof v, sizeof v) != 0) return -kEFAULT;
        if (v.len > uint64_t(INT64_MAX) - total) return -kEINVAL;
        total += v.len;
        if (v.len != 0 && domain::current().as.prepare_access(v.base, v.len, mm::Access::read) !=
                              mm::FaultKind::none) {
            return -kEFAULT;
        }
    }
    int64_t written = 0;
    for (int64_t i = 0; i < iovcnt && uint64_t(written) < kMaxRwCount; i++) {
        UserIovec v;
        if (mm::copy_from_user(&v, a.a1 + uint64_t(i) * sizeof v, sizeof v) != 0) return -kEFAULT;
        uint64_t len = v.len < kMaxRwCount - uint64_t(written) ? v.len : kMaxRwCount - written;
        if (len == 0) continue;
        int64_t r = write_to_stream(s, v.base, len);
        if (r < 0) return written > 0 ? written : r;
        written += r;
    }
    return written;
}

int64_t sys_ioctl(const Args& a) {
    // The standard descriptors are pipes or files to the host, never a terminal: TIOCGWINSZ and
    // every other request fail the way they do on a non-tty (musl then buffers stdout fully).
    if (a.a0 <= 2) return -kENOTTY;
    return -kEBADF;
}

}  // namespace uk::sys
