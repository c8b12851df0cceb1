// select and pselect6 over the descriptor bitmaps.  A table has at most 64 descriptors, so the
// three sets are read in full (up to nfds bits, 1024 at most) but only their first 64 bits can
// name an open descriptor; a set bit beyond is -EBADF, as it is for any closed descriptor.
#include "mm/user_access.hpp"
#include "poll/poll_sys.hpp"
#include "poll/readiness.hpp"
#include "poll/wait.hpp"
#include "signal/restart.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "time/clock.hpp"

namespace uk::poll {
namespace {

constexpr uint64_t kFdSetSize = 1024;                 // FD_SETSIZE
constexpr uint32_t kInSet = 0x1 | 0x40 | 0x10 | 0x8;  // POLLIN|RDNORM|HUP|ERR, as Linux's select
constexpr uint32_t kOutSet = 0x4 | 0x100 | 0x8;       // POLLOUT|WRNORM|ERR
constexpr uint32_t kExSet = 0x2;                      // POLLPRI

struct Sets {
    uint64_t in, out, ex;
};

// Reads one set's first nfds bits: 0, -EFAULT, -EBADF (a bit past descriptor 63).
int read_set(uint64_t user, uint64_t nfds, uint64_t* out) {
    *out = 0;
    if (user == 0) return 0;
    uint64_t bytes = (nfds + 7) / 8;
    uint8_t buf[kFdSetSize / 8] = {};
    if (mm::copy_from_user(buf, user, bytes) != 0) return -kEFAULT;
    if (nfds % 8 != 0) buf[bytes - 1] &= uint8_t((1u << (nfds % 8)) - 1);
    for (uint64_t i = 0; i < bytes; i++) {
        if (i < 8) {
            *out |= uint64_t(buf[i]) << (8 * i);
        } else if (buf[i] != 0) {
            return -kEBADF;
        }
    }
    return 0;
}

int write_set(uint64_t user, uint64_t nfds, uint64_t bits) {
    if (user == 0) return 0;
    uint8_t buf[kFdSetSize / 8] = {};
    uint64_t bytes = (nfds + 7) / 8;
    for (uint64_t i = 0; i < 8 && i < bytes; i++) buf[i] = uint8_t(bits >> (8 * i));
    return mm::copy_to_user(user, buf, bytes) != 0 ? -kEFAULT : 0;
}

// One pass: the ready subsets in *out, how many bits they have (or -EBADF).
int64_t scan(const Sets& want, Sets* out, uint64_t* wake) {
    fs::DomainFiles& df = sys::files();
    *out = Sets{};
    int64_t n = 0;
    uint64_t all = want.in | want.out | want.ex;
    for (int fd = 0; fd < 64; fd++) {
        if (!((all >> fd) & 1)) continue;
        fs::OpenFile* f = sys::fds().get(fd);
        if (f == nullptr) return -kEBADF;
        uint32_t gen;
        uint32_t mask = ready_mask(df, f, &gen);
        earliest(wake, ready_deadline(f));
        uint64_t bit = 1ull << fd;
        if ((want.in & bit) && (mask & kInSet)) out->in |= bit, n++;
        if ((want.out & bit) && (mask & kOutSet)) out->out |= bit, n++;
        if ((want.ex & bit) && (mask & kExSet)) out->ex |= bit, n++;
    }
    return n;
}

// timeout_ns UINT64_MAX: for ever.  *left: the time left at return (for the app's timeout).
int64_t do_select(uint64_t nfds, uint64_t in, uint64_t out, uint64_t ex, uint64_t timeout_ns,
                  uint64_t* left) {
    if (int64_t(int32_t(nfds)) < 0) return -kEINVAL;
    nfds = uint32_t(nfds);
    if (nfds > kFdSetSize) nfds = kFdSetSize;
    Sets want;
    if (int r = read_set(in, nfds, &want.in); r != 0) return r;
    if (int r = read_set(out, nfds, &want.out); r != 0) return r;
    if (int r = read_set(ex, nfds, &want.ex); r != 0) return r;
    bool forever = timeout_ns == UINT64_MAX;
    uint64_t deadline = forever ? 0 : deadline_after(timeout_ns);
    Sets got;
    int64_t n;
    for (;;) {
        uint64_t wake = 0;
        n = scan(want, &got, &wake);
        if (n < 0) return n;
        uint64_t now = time::monotonic_ns();
        if (n != 0 || timeout_ns == 0 || (!forever && now >= deadline)) {
            *left = forever ? 0 : (deadline > now ? deadline - now : 0);
            break;
        }
        if (!forever) earliest(&wake, deadline);
        // As Linux: -EINTR after a handler, restarted when none ran.
        if (block(sys::files(), wake != 0, wake) == Wait::interrupted) {
            return -signal::kERestartNoHand;
        }
    }
    if (write_set(in, nfds, got.in) != 0 || write_set(out, nfds, got.out) != 0 ||
        write_set(ex, nfds, got.ex) != 0) {
        return -kEFAULT;
    }
    return n;
}

}  // namespace

int64_t sys_select(const sys::Args& a) {
    struct {
        int64_t sec;
        int64_t usec;
    } tv;
    uint64_t ns = UINT64_MAX;
    if (a.a4 != 0) {
        if (mm::copy_from_user(&tv, a.a4, sizeof tv) != 0) return -kEFAULT;
        if (tv.sec < 0 || tv.usec < 0) return -kEINVAL;
        // Linux normalises an over-long usec rather than refusing it.
        uint64_t sec = uint64_t(tv.sec) + uint64_t(tv.usec) / 1000000;
        ns = sec > UINT64_MAX / 1000000000 - 1
                 ? UINT64_MAX
                 : sec * 1000000000 + uint64_t(tv.usec % 1000000) * 1000;
    }
    uint64_t left = 0;
    int64_t r = do_select(a.a0, a.a1, a.a2, a.a3, ns, &left);
    // Linux writes the time left back (a fault there is ignored once the result is known).
    if (r >= 0 && a.a4 != 0) {
        tv.sec = int64_t(left / 1000000000);
        tv.usec = int64_t(left % 1000000000 / 1000);
        (void)mm::copy_to_user(a.a4, &tv, sizeof tv);
    }
    return r;
}

int64_t sys_pselect6(const sys::Args& a) {
    uint64_t ns = UINT64_MAX;
    if (a.a4 != 0) {
        if (int r = timespec_ns(a.a4, &ns); r != 0) return r;
    }
    // a.a5 points at {sigmask, its size}.
    if (a.a5 != 0) {
        struct {
            uint64_t mask, size;
        } sm;
        if (mm::copy_from_user(&sm, a.a5, sizeof sm) != 0) return -kEFAULT;
        if (int r = set_wait_mask(sm.mask, sm.size); r != 0) return r;
    }
    uint64_t left = 0;
    int64_t r = do_select(a.a0, a.a1, a.a2, a.a3, ns, &left);
    if (r >= 0 && a.a4 != 0) {
        struct {
            int64_t sec;
            int64_t nsec;
        } ts{int64_t(left / 1000000000), int64_t(left % 1000000000)};
        (void)mm::copy_to_user(a.a4, &ts, sizeof ts);
    }
    return r;
}

}  // namespace uk::poll
