// Scheduling and waiting: sched_yield, nanosleep, clock_nanosleep, futex (sched/futex.hpp has
// the wait queues).  Argument checks and results follow Linux.
#include "domain/domain.hpp"
#include "mm/user_access.hpp"
#include "sched/futex.hpp"
#include "sched/scheduler.hpp"
#include "sys/errno.hpp"
#include "sys/sys_signal.hpp"
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
constexpr uint64_t kFutexRequeue = 3;
constexpr uint64_t kFutexCmpRequeue = 4;
constexpr uint64_t kFutexWakeOp = 5;
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
    // A signal's handler ends it with -EINTR and the time left in rem (sys_signal_wait.cpp).
    return interruptible_sleep(add_sat(time::monotonic_ns(), ns), rem);
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
        return interruptible_sleep_abs(monotonic_deadline(clock, ns));
    }
    return sleep_relative(ns, a.a3);
}

namespace {

// FUTEX_WAKE_OP's operation on the old value of *uaddr2 (futex(2) "FUTEX_WAKE_OP").
bool wake_op_apply(uint32_t encoded, uint32_t old, uint32_t* result) {
    uint32_t op = (encoded >> 28) & 7;
    bool shift = (encoded >> 31) & 1;
    auto oparg = uint32_t(int32_t(encoded << 8) >> 20);
    if (shift) oparg = 1u << (oparg & 31);
    switch (op) {
        case 0: *result = oparg; return true;         // FUTEX_OP_SET
        case 1: *result = old + oparg; return true;   // FUTEX_OP_ADD
        case 2: *result = old | oparg; return true;   // FUTEX_OP_OR
        case 3: *result = old & ~oparg; return true;  // FUTEX_OP_ANDN
        case 4: *result = old ^ oparg; return true;   // FUTEX_OP_XOR
        default: return false;
    }
}

// FUTEX_WAKE_OP's comparison of the old value with cmparg (signed, as Linux); -1: unknown.
int wake_op_compare(uint32_t encoded, uint32_t old) {
    int32_t cmparg = int32_t(encoded << 20) >> 20;
    auto v = int32_t(old);
    switch ((encoded >> 24) & 15) {
        case 0: return v == cmparg;
        case 1: return v != cmparg;
        case 2: return v < cmparg;
        case 3: return v <= cmparg;
        case 4: return v > cmparg;
        case 5: return v >= cmparg;
        default: return -1;
    }
}

int64_t futex_wait(uint64_t uaddr, uint64_t op, bool shared, bool realtime, uint32_t val,
                   uint64_t timeout, uint32_t bitset) {
    if (bitset == 0) return -kEINVAL;
    bool timed = timeout != 0;
    uint64_t deadline = 0;
    if (timed) {
        uint64_t ns;
        if (int r = read_timespec(timeout, &ns); r != 0) return r;
        // FUTEX_WAIT: relative (whatever the clock flag); FUTEX_WAIT_BITSET: absolute on its
        // clock.
        deadline = op == kFutexWait
                       ? add_sat(time::monotonic_ns(), ns)
                       : monotonic_deadline(realtime ? kClockRealtime : kClockMonotonic, ns);
    }
    // The check and the sleep are one step: one CPU, interrupts off in the kernel, so no wake can
    // fall between them.
    uint32_t cur;
    if (int r = mm::copy_from_user(&cur, uaddr, sizeof cur); r != 0) return r;
    if (cur != val) return -kEAGAIN;
    task::FutexKey key = sched::futex_key(process::current(), uaddr, shared);
    return sched::futex_wait(key, bitset, timed, deadline) ? 0 : -kETIMEDOUT;
}

int64_t futex_wake_op(uint64_t uaddr, bool shared, uint32_t nr_wake, uint32_t nr_wake2,
                      uint64_t uaddr2, uint32_t encoded) {
    if (uaddr2 & 3) return -kEINVAL;
    uint32_t old, next;
    if (int r = mm::copy_from_user(&old, uaddr2, sizeof old); r != 0) return r;
    int cmp = wake_op_compare(encoded, old);
    if (!wake_op_apply(encoded, old, &next) || cmp < 0) return -kENOSYS;
    if (int r = mm::copy_to_user(uaddr2, &next, sizeof next); r != 0) return r;
    process::Process& p = process::current();
    uint32_t woken = sched::futex_wake(sched::futex_key(p, uaddr, shared), ~0u, nr_wake);
    if (cmp != 0) woken += sched::futex_wake(sched::futex_key(p, uaddr2, shared), ~0u, nr_wake2);
    return woken;
}

}  // namespace

int64_t sys_futex(const Args& a) {
    uint64_t uaddr = a.a0;
    uint64_t op = a.a1 & ~(kFutexPrivate | kFutexClockRealtime);
    bool realtime = (a.a1 & kFutexClockRealtime) != 0;
    bool shared = (a.a1 & kFutexPrivate) == 0;
    uint32_t val = uint32_t(a.a2);
    if (uaddr & 3) return -kEINVAL;
    // FUTEX_CLOCK_REALTIME only means something to the waits.
    if (realtime && op != kFutexWait && op != kFutexWaitBitset) return -kENOSYS;
    // Every count argument is an int on Linux: a negative one means "all".
    uint32_t max = int32_t(val) < 0 ? 0x7FFFFFFF : val;
    switch (op) {
        case kFutexWait:
            return futex_wait(uaddr, op, shared, realtime, val, a.a3, ~0u);
        case kFutexWaitBitset:
            return futex_wait(uaddr, op, shared, realtime, val, a.a3, uint32_t(a.a5));
        case kFutexWake:
        case kFutexWakeBitset: {
            uint32_t bitset = op == kFutexWakeBitset ? uint32_t(a.a5) : ~0u;
            if (bitset == 0) return -kEINVAL;
            return sched::futex_wake(sched::futex_key(process::current(), uaddr, shared), bitset, max);
        }
        case kFutexRequeue:
        case kFutexCmpRequeue: {
            // val: how many to wake; the timeout argument carries val2, how many to requeue.
            uint64_t uaddr2 = a.a4;
            if (uaddr2 & 3) return -kEINVAL;
            if (int32_t(val) < 0 || int32_t(uint32_t(a.a3)) < 0) return -kEINVAL;
            if (op == kFutexCmpRequeue) {
                uint32_t cur;
                if (int r = mm::copy_from_user(&cur, uaddr, sizeof cur); r != 0) return r;
                if (cur != uint32_t(a.a5)) return -kEAGAIN;
            }
            process::Process& p = process::current();
            return sched::futex_requeue(sched::futex_key(p, uaddr, shared), sched::futex_key(p, uaddr2, shared),
                                        val, uint32_t(a.a3));
        }
        case kFutexWakeOp:
            return futex_wake_op(uaddr, shared, max,
                                 int32_t(a.a3) < 0 ? 0x7FFFFFFF : uint32_t(a.a3), a.a4,
                                 uint32_t(a.a5));
        default:
            return -kENOSYS;
    }
}

}  // namespace uk::sys
