// alarm, setitimer and getitimer: ITIMER_REAL only (SIGALRM to the process, signal/itimer.cpp).
// ITIMER_VIRTUAL and ITIMER_PROF (CPU-time timers) are -EINVAL.
#include "mm/user_access.hpp"
#include "process/process.hpp"
#include "signal/signals.hpp"
#include "sys/errno.hpp"
#include "sys/sys_signal.hpp"
#include "time/clock.hpp"

namespace uk::sys {
namespace {

constexpr uint64_t kItimerReal = 0;
constexpr uint64_t kNsPerSec = 1000000000, kNsPerUsec = 1000;

struct Timeval {
    int64_t sec, usec;
};
struct Itimerval {
    Timeval interval, value;
};

bool to_ns(const Timeval& tv, uint64_t* ns) {
    if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000) return false;
    uint64_t cap = ~0ull / 4 / kNsPerSec;  // centuries: a deadline that never comes, no overflow
    uint64_t sec = uint64_t(tv.sec) > cap ? cap : uint64_t(tv.sec);
    *ns = sec * kNsPerSec + uint64_t(tv.usec) * kNsPerUsec;
    return true;
}

Timeval to_timeval(uint64_t ns) {
    // Round up to the microsecond, so a running timer never reads as stopped.
    uint64_t us = (ns + kNsPerUsec - 1) / kNsPerUsec;
    return Timeval{int64_t(us / 1000000), int64_t(us % 1000000)};
}

Itimerval current(const signal::RealTimer& rt, uint64_t now) {
    Itimerval v{};
    v.interval = to_timeval(rt.interval_ns);
    if (rt.deadline_ns != 0) v.value = to_timeval(rt.deadline_ns > now ? rt.deadline_ns - now : 1);
    return v;
}

void arm(signal::RealTimer& rt, uint64_t now, uint64_t value_ns, uint64_t interval_ns) {
    rt.deadline_ns = value_ns == 0 ? 0 : now + value_ns;
    rt.interval_ns = value_ns == 0 ? 0 : interval_ns;
}

}  // namespace

int64_t sys_alarm(const Args& a) {
    signal::RealTimer& rt = process::current().sig.real;
    uint64_t now = time::monotonic_ns();
    Itimerval old = current(rt, now);
    uint64_t secs = uint32_t(a.a0);
    arm(rt, now, secs * kNsPerSec, 0);
    // Linux rounds what was left to the nearest second, and never reports a live alarm as 0.
    int64_t left = old.value.sec;
    if ((left == 0 && old.value.usec != 0) || old.value.usec >= 500000) left++;
    return left;
}

int64_t sys_setitimer(const Args& a) {
    if (a.a0 != kItimerReal) return -kEINVAL;
    Itimerval next{};
    if (a.a1 != 0) {
        if (int r = mm::copy_from_user(&next, a.a1, sizeof next); r != 0) return r;
    }
    uint64_t value_ns, interval_ns;
    if (!to_ns(next.value, &value_ns) || !to_ns(next.interval, &interval_ns)) return -kEINVAL;
    signal::RealTimer& rt = process::current().sig.real;
    uint64_t now = time::monotonic_ns();
    Itimerval old = current(rt, now);
    if (a.a2 != 0) {
        if (int r = mm::copy_to_user(a.a2, &old, sizeof old); r != 0) return r;
    }
    arm(rt, now, value_ns, interval_ns);
    return 0;
}

int64_t sys_getitimer(const Args& a) {
    if (a.a0 != kItimerReal) return -kEINVAL;
    Itimerval v = current(process::current().sig.real, time::monotonic_ns());
    return mm::copy_to_user(a.a1, &v, sizeof v);
}

}  // namespace uk::sys
