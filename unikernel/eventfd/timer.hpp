// A timerfd's timer: armed at a monotonic deadline, maybe periodic, counting expirations until a
// read takes them.  Pure arithmetic on nanoseconds (the caller passes the clock), unit-tested on
// the host; the syscalls are eventfd/timerfd_sys.cpp.
#pragma once

#include <stdint.h>

namespace uk::eventfd {

struct Timer {
    uint32_t clock;        // CLOCK_REALTIME / CLOCK_MONOTONIC / CLOCK_BOOTTIME, as created
    uint64_t next_ns;      // monotonic time of the next expiration; 0: disarmed
    uint64_t interval_ns;  // 0: one-shot
    uint64_t expired;      // expirations not yet read
    uint32_t gen;          // bumped by every expiration counted, every read and every settime

    // Counts the expirations up to now_ns (monotonic): periodic timers move their next deadline
    // past now, one-shot ones disarm.
    void advance(uint64_t now_ns);
    // Arms at monotonic deadline first_ns (0: disarm) with the given period; expirations not yet
    // read are dropped, as Linux's timerfd_settime does.
    void arm(uint64_t first_ns, uint64_t interval_ns);
    // Time left until the next expiration (0 when disarmed), after advance(now_ns).
    uint64_t remaining(uint64_t now_ns) const { return next_ns > now_ns ? next_ns - now_ns : 0; }
    // read(): the count, reset to 0.
    uint64_t take();
};

}  // namespace uk::eventfd
