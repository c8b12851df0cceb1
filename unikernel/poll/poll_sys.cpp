// poll and ppoll.  The pollfd array stays in app memory and is re-read at every scan (up to 1024
// entries: no kernel copy of it), so a wait holds no pointer to a description across a sleep.
#include "poll/poll_sys.hpp"
#include "mm/user_access.hpp"
#include "poll/readiness.hpp"
#include "poll/wait.hpp"
#include "signal/restart.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "time/clock.hpp"

namespace uk::poll {
namespace {

constexpr uint64_t kMaxPollFds = 1024;
constexpr int16_t kPollNval = 0x20;
constexpr uint32_t kPollErr = 0x8, kPollHup = 0x10;

struct PollFd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

// One pass: writes every revents, returns how many entries have any (or -EFAULT), and folds the
// watched timerfds' next expirations into *wake.
int64_t scan(uint64_t fds, uint64_t nfds, uint64_t* wake) {
    fs::DomainFiles& df = sys::files();
    int64_t ready = 0;
    for (uint64_t i = 0; i < nfds; i++) {
        PollFd p;
        if (mm::copy_from_user(&p, fds + i * sizeof p, sizeof p) != 0) return -kEFAULT;
        p.revents = 0;
        if (p.fd >= 0) {
            fs::OpenFile* f = sys::fds().get(p.fd);
            if (f == nullptr) {
                p.revents = kPollNval;
            } else {
                uint32_t gen;
                uint32_t mask = ready_mask(df, f, &gen);
                // ERR and HUP are reported whether asked for or not.
                p.revents = int16_t(mask & (uint16_t(p.events) | kPollErr | kPollHup));
                earliest(wake, ready_deadline(f));
            }
        }
        if (p.revents != 0) ready++;
        if (mm::copy_to_user(fds + i * sizeof p + 6, &p.revents, sizeof p.revents) != 0) {
            return -kEFAULT;
        }
    }
    return ready;
}

// timeout_ns: UINT64_MAX waits for ever.
int64_t do_poll(uint64_t fds, uint64_t nfds, uint64_t timeout_ns) {
    if (nfds > kMaxPollFds) return -kEINVAL;
    bool forever = timeout_ns == UINT64_MAX;
    uint64_t deadline = forever ? 0 : deadline_after(timeout_ns);
    for (;;) {
        uint64_t wake = 0;
        int64_t n = scan(fds, nfds, &wake);
        if (n != 0) return n;
        if (timeout_ns == 0 || (!forever && time::monotonic_ns() >= deadline)) return 0;
        if (!forever) earliest(&wake, deadline);
        // As Linux: -EINTR after a handler, restarted when none ran.
        if (block(sys::files(), wake != 0, wake) == Wait::interrupted) {
            return -signal::kERestartNoHand;
        }
    }
}

}  // namespace

int64_t sys_poll(const sys::Args& a) {
    int64_t ms = int32_t(a.a2);
    return do_poll(a.a0, a.a1, ms < 0 ? UINT64_MAX : uint64_t(ms) * 1000000);
}

int64_t sys_ppoll(const sys::Args& a) {
    uint64_t ns = UINT64_MAX;
    if (a.a2 != 0) {
        if (int r = timespec_ns(a.a2, &ns); r != 0) return r;
    }
    if (int r = set_wait_mask(a.a3, a.a4); r != 0) return r;
    return do_poll(a.a0, a.a1, ns);
}

}  // namespace uk::poll
