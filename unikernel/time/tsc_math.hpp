// TSC ticks to nanoseconds with a precomputed 32.32 fixed-point multiplier: no division on the
// hot path, and no 128-bit division (a libgcc helper the freestanding kernel does not link).
#pragma once

#include <stdint.h>

namespace uk::time {

// ns per tick (1e6 / khz) with 32 fractional bits; 0 for an unknown frequency.  1e6 << 32 still
// fits in 64 bits.
constexpr uint64_t tsc_multiplier(uint64_t khz) {
    return khz == 0 ? 0 : (uint64_t(1000000) << 32) / khz;
}

constexpr uint64_t ticks_to_ns(uint64_t ticks, uint64_t multiplier) {
    return uint64_t((static_cast<unsigned __int128>(ticks) * multiplier) >> 32);
}

}  // namespace uk::time
