// Waiting for signals: rt_sigsuspend, pause, rt_sigtimedwait, and the interruptible sleeps behind
// nanosleep and clock_nanosleep with restart_syscall for the relative ones.
#include "mm/user_access.hpp"
#include "sched/scheduler.hpp"
#include "signal/frame.hpp"
#include "signal/restart.hpp"
#include "signal/signals.hpp"
#include "sys/errno.hpp"
#include "sys/sys_signal.hpp"
#include "time/clock.hpp"

namespace uk::sys {
namespace {

constexpr uint64_t kSigsetSize = 8;
constexpr uint64_t kNsPerSec = 1000000000;

struct Timespec {
    int64_t sec;
    int64_t nsec;
};

// Sleeps the current task until a signal it does not block is pending.
void wait_for_signal(task::Task& t) {
    while (signal::deliverable(t) == 0) sched::wait_on(&t.sig, false, 0);
}

}  // namespace

int64_t interruptible_sleep(uint64_t deadline_ns, uint64_t rem) {
    task::Task& t = task::current();
    if (!sched::sleep_until(deadline_ns)) return 0;
    uint64_t now = time::monotonic_ns();
    if (now >= deadline_ns) return 0;
    if (rem != 0) {
        uint64_t left = deadline_ns - now;
        Timespec ts{int64_t(left / kNsPerSec), int64_t(left % kNsPerSec)};
        if (int r = mm::copy_to_user(rem, &ts, sizeof ts); r != 0) return r;
    }
    t.sig.restart = signal::RestartBlock{deadline_ns, rem, true};
    return -signal::kERestartRestartBlock;
}

int64_t interruptible_sleep_abs(uint64_t deadline_ns) {
    if (!sched::sleep_until(deadline_ns) || time::monotonic_ns() >= deadline_ns) return 0;
    return -signal::kERestartNoHand;
}

int64_t sys_restart_syscall(const Args&) {
    signal::RestartBlock& rb = task::current().sig.restart;
    if (!rb.armed) return -kEINTR;  // Linux's do_no_restart_syscall
    rb.armed = false;
    return interruptible_sleep(rb.deadline_ns, rb.rem);
}

int64_t sys_rt_sigsuspend(const Args& a) {
    if (a.a1 != kSigsetSize) return -kEINVAL;
    uint64_t mask;
    if (int r = mm::copy_from_user(&mask, a.a0, sizeof mask); r != 0) return r;
    task::Task& t = task::current();
    // The caller's mask comes back when the handler returns (its frame's uc_sigmask) or, when
    // no handler runs, on the way out (signal/deliver.cpp).
    t.sig.saved_mask = t.sig.blocked;
    t.sig.restore_mask = true;
    t.sig.blocked = mask & ~signal::kUnblockable;
    wait_for_signal(t);
    return -signal::kERestartNoHand;
}

int64_t sys_pause(const Args&) {
    wait_for_signal(task::current());
    return -signal::kERestartNoHand;
}

int64_t sys_rt_sigtimedwait(const Args& a) {
    uint64_t uset = a.a0, uinfo = a.a1, utimeout = a.a2;
    if (a.a3 != kSigsetSize) return -kEINVAL;
    uint64_t set;
    if (int r = mm::copy_from_user(&set, uset, sizeof set); r != 0) return r;
    set &= ~signal::kUnblockable;
    bool timed = utimeout != 0;
    uint64_t deadline = 0;
    if (timed) {
        Timespec ts;
        if (int r = mm::copy_from_user(&ts, utimeout, sizeof ts); r != 0) return r;
        if (ts.sec < 0 || ts.nsec < 0 || uint64_t(ts.nsec) >= kNsPerSec) return -kEINVAL;
        uint64_t ns = uint64_t(ts.sec) > ~0ull / kNsPerSec / 2
                          ? ~0ull / 2
                          : uint64_t(ts.sec) * kNsPerSec + uint64_t(ts.nsec);
        deadline = time::monotonic_ns() + ns;
    }
    task::Task& t = task::current();
    // While it waits, the signals of the set wake it even if blocked (Linux's real_blocked).
    uint64_t saved = t.sig.blocked;
    t.sig.blocked &= ~set;
    signal::Info info;
    uint32_t sig = 0;
    int64_t result = 0;
    for (;;) {
        sig = signal::dequeue(t, set, &info);
        if (sig != 0) break;
        if (signal::deliverable(t) != 0) {
            result = -kEINTR;
            break;
        }
        if (timed && time::monotonic_ns() >= deadline) {
            result = -kEAGAIN;
            break;
        }
        sched::wait_on(&t.sig, timed, deadline);
    }
    t.sig.blocked = saved;
    if (sig == 0) return result;
    if (uinfo != 0) {
        signal::Siginfo si{};
        signal::to_siginfo(si, sig, info);
        if (int r = mm::copy_to_user(uinfo, &si, sizeof si); r != 0) return r;
    }
    return sig;
}

}  // namespace uk::sys
