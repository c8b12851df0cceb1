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

// The inverse, for timer deadlines: ticks in ns nanoseconds at khz (ticks per ms), saturating
// at ~0 instead of overflowing.  Whole milliseconds and the rest separately, so no 128-bit
// division is needed.
constexpr uint64_t ns_to_ticks(uint64_t ns, uint64_t khz) {
    uint64_t ms = ns / 1000000;
    if (khz != 0 && ms > ~0ull / khz) return ~0ull;
    uint64_t whole = ms * khz;
    uint64_t part = (ns % 1000000) * khz / 1000000;  // < 1e6 * khz: fits for any real khz
    return whole + part < whole ? ~0ull : whole + part;
}

}  // namespace uk::time
