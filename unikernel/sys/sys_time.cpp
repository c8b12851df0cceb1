// clock_gettime, clock_getres, gettimeofday, time.  No vDSO: every call is a syscall, but none
// is an exit once the TSC is anchored (time/clock.hpp).
#include "mm/user_access.hpp"
#include "sys/errno.hpp"
#include "sys/syscall.hpp"
#include "time/clock.hpp"

namespace uk::sys {
namespace {

enum ClockId : uint64_t {
    kRealtime = 0,
    kMonotonic = 1,
    kProcessCputime = 2,
    kThreadCputime = 3,
    kMonotonicRaw = 4,
    kRealtimeCoarse = 5,
    kMonotonicCoarse = 6,
    kBoottime = 7,
};

struct Timespec {
    int64_t sec;
    int64_t nsec;
};

struct Timeval {
    int64_t sec;
    int64_t usec;
};

constexpr uint64_t kNsPerSec = 1000000000;

// Nanoseconds for a clock, or false for an unknown id.  The guest never sleeps or suspends, so
// BOOTTIME equals MONOTONIC; CPU-time clocks are approximated by MONOTONIC (one vCPU, one app).
bool read_clock(uint64_t id, uint64_t* ns) {
    switch (id) {
        case kRealtime:
        case kRealtimeCoarse:
            *ns = time::realtime_ns();
            return true;
        case kMonotonic:
        case kMonotonicRaw:
        case kMonotonicCoarse:
        case kBoottime:
        case kProcessCputime:
        case kThreadCputime:
            *ns = time::monotonic_ns();
            return true;
        default:
            return false;
    }
}

}  // namespace

int64_t sys_clock_gettime(const Args& a) {
    uint64_t ns;
    if (!read_clock(a.a0, &ns)) return -kEINVAL;
    Timespec ts{int64_t(ns / kNsPerSec), int64_t(ns % kNsPerSec)};
    return mm::copy_to_user(a.a1, &ts, sizeof ts);
}

int64_t sys_clock_getres(const Args& a) {
    if (a.a0 > kBoottime) return -kEINVAL;
    if (a.a1 == 0) return 0;
    bool coarse = a.a0 == kRealtimeCoarse || a.a0 == kMonotonicCoarse;
    Timespec ts{0, coarse ? 4000000 : 1};  // Linux: 1 ns high-res, one 250 Hz tick coarse
    return mm::copy_to_user(a.a1, &ts, sizeof ts);
}

int64_t sys_gettimeofday(const Args& a) {
    if (a.a0 != 0) {
        uint64_t ns = time::realtime_ns();
        Timeval tv{int64_t(ns / kNsPerSec), int64_t(ns % kNsPerSec / 1000)};
        if (int r = mm::copy_to_user(a.a0, &tv, sizeof tv); r != 0) return r;
    }
    if (a.a1 != 0) {
        const int32_t tz[2] = {0, 0};  // UTC, no DST
        if (int r = mm::copy_to_user(a.a1, tz, sizeof tz); r != 0) return r;
    }
    return 0;
}

int64_t sys_time(const Args& a) {
    int64_t sec = int64_t(time::realtime_ns() / kNsPerSec);
    if (a.a0 != 0) {
        if (int r = mm::copy_to_user(a.a0, &sec, sizeof sec); r != 0) return r;
    }
    return sec;
}

}  // namespace uk::sys
