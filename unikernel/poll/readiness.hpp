// What a descriptor has ready now, in Linux's POLL*/EPOLL* bits, for poll, select and epoll.
#pragma once

#include <stdint.h>

#include "fs/domain_files.hpp"

namespace uk::poll {

// The ready bits of f (IN, OUT, ERR, HUP) and, in *gen, a number that changes whenever they may
// have (epoll's edge trigger).  A timerfd counts its expirations up to now first.
uint32_t ready_mask(fs::DomainFiles& df, fs::OpenFile* f, uint32_t* gen);
// The monotonic time at which f becomes ready with nobody acting on it (a timerfd's next
// expiration), or 0 for never: a waiter's sleep must end by then.
uint64_t ready_deadline(const fs::OpenFile* f);
// Folds a candidate deadline (0: none) into *earliest (0: none yet).
inline void earliest(uint64_t* earliest_ns, uint64_t d) {
    if (d != 0 && (*earliest_ns == 0 || d < *earliest_ns)) *earliest_ns = d;
}

}  // namespace uk::poll
