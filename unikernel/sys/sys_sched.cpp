// Scheduling and waiting: sched_yield, nanosleep, clock_nanosleep, futex.  Each domain is one
// thread, so a futex can only be waited on with a timeout (or forever) and woken by no one else;
// the calls still follow Linux's argument checks and results so libc's locks and sleeps work.
#include "domain/domain.hpp"
#include "mm/user_access.hpp"
#include "sched/scheduler.hpp"
#include "sys/errno.hpp"
#include "sys/syscall.hpp"
#include "time/clock.hpp"

namespace uk::sys {
namespace {

constexpr uint64_t kNsPerSec = 1000000000;
constexpr uint64_t kClockRealtime = 0;
constexpr uint64_t kClockMonotonic = 1;
constexpr uint64_t kClockBoottime = 7;
constexpr uint64_t kTimerAbstime = 1;

constexpr uint64_t kFutexWait = 0;
constexpr uint64_t kFutexWake = 1;
constexpr uint64_t kFutexWaitBitset = 9;
constexpr uint64_t kFutexWakeBitset = 10;
constexpr uint64_t kFutexPrivate = 128;
constexpr uint64_t kFutexClockRealtime = 256;

struct Timespec {
    int64_t sec;
    int64_t nsec;
};

// A user timespec as nanoseconds: -EFAULT unreadable, -EINVAL out of range.
int read_timespec(uint64_t uaddr, uint64_t* ns) {
    Timespec ts;
    if (int r = mm::copy_from_user(&ts, uaddr, sizeof ts); r != 0) return r;
    if (ts.sec < 0 || ts.nsec < 0 || uint64_t(ts.nsec) >= kNsPerSec) return -kEINVAL;
    // Saturate: a sleep of centuries is a sleep forever, not an overflow.
    if (uint64_t(ts.sec) > (~0ull - kNsPerSec) / kNsPerSec) {
        *ns = ~0ull;
    } else {
        *ns = uint64_t(ts.sec) * kNsPerSec + uint64_t(ts.nsec);
    }
    return 0;
}

uint64_t add_sat(uint64_t a, uint64_t b) {
    return a + b < a ? ~0ull : a + b;
}

// An absolute time on `clock` as a monotonic deadline.
uint64_t monotonic_deadline(uint64_t clock, uint64_t abs_ns) {
    uint64_t mono = time::monotonic_ns();
    if (clock != kClockRealtime) return abs_ns;
    uint64_t real = time::realtime_ns();
    return abs_ns <= real ? mono : add_sat(mono, abs_ns - real);
}

int64_t sleep_relative(uint64_t ns, uint64_t rem) {
    sched::sleep_until(add_sat(time::monotonic_ns(), ns));
    // Never interrupted (no signals are delivered): nothing remains.
    if (rem != 0) {
        Timespec zero{0, 0};
        if (int r = mm::copy_to_user(rem, &zero, sizeof zero); r != 0) return r;
    }
    return 0;
}

}  // namespace

int64_t sys_sched_yield(const Args&) {
    sched::yield();
    return 0;
}

int64_t sys_nanosleep(const Args& a) {
    uint64_t ns;
    if (int r = read_timespec(a.a0, &ns); r != 0) return r;
    return sleep_relative(ns, a.a1);
}

int64_t sys_clock_nanosleep(const Args& a) {
    uint64_t clock = a.a0;
    if (clock != kClockRealtime && clock != kClockMonotonic && clock != kClockBoottime)
        return -kEINVAL;
    uint64_t ns;
    if (int r = read_timespec(a.a2, &ns); r != 0) return r;
    if (a.a1 & kTimerAbstime) {
        sched::sleep_until(monotonic_deadline(clock, ns));
        return 0;
    }
    return sleep_relative(ns, a.a3);
}

int64_t sys_futex(const Args& a) {
    uint64_t uaddr = a.a0;
    uint64_t op = a.a1 & ~(kFutexPrivate | kFutexClockRealtime);
    bool realtime = (a.a1 & kFutexClockRealtime) != 0;
    uint32_t val = uint32_t(a.a2);
    if (uaddr & 3) return -kEINVAL;
    switch (op) {
        case kFutexWait:
        case kFutexWaitBitset: {
            if (op == kFutexWaitBitset && uint32_t(a.a5) == 0) return -kEINVAL;
            bool timed = a.a3 != 0;
            uint64_t deadline = 0;
            if (timed) {
                uint64_t ns;
                if (int r = read_timespec(a.a3, &ns); r != 0) return r;
                // FUTEX_WAIT: relative; FUTEX_WAIT_BITSET: absolute on its clock.
                deadline = op == kFutexWait ? add_sat(time::monotonic_ns(), ns)
                                            : monotonic_deadline(
                                                  realtime ? kClockRealtime : kClockMonotonic, ns);
            }
            uint32_t cur;
            if (int r = mm::copy_from_user(&cur, uaddr, sizeof cur); r != 0) return r;
            if (cur != val) return -kEAGAIN;
            return sched::futex_wait(uaddr, timed, deadline) ? 0 : -kETIMEDOUT;
        }
        case kFutexWake:
        case kFutexWakeBitset: {
            if (op == kFutexWakeBitset && uint32_t(a.a5) == 0) return -kEINVAL;
            uint32_t max = int32_t(val) < 0 ? 0x7FFFFFFF : val;
            return sched::futex_wake(domain::current(), uaddr, max);
        }
        default:
            return -kENOSYS;
    }
}

}  // namespace uk::sys
