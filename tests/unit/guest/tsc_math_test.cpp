#include "time/tsc_math.hpp"

#include <gtest/gtest.h>

namespace {

using uk::time::ticks_to_ns;
using uk::time::tsc_multiplier;

TEST(TscMath, ConvertsTicksToNanoseconds) {
    uint64_t m = tsc_multiplier(2'000'000);  // 2 GHz: 0.5 ns per tick
    EXPECT_EQ(ticks_to_ns(2'000'000'000ull, m), 1'000'000'000ull);
    uint64_t m3 = tsc_multiplier(3'000'000);
    // One hour at 3 GHz within a microsecond.
    uint64_t hour = ticks_to_ns(3'000'000ull * 1000 * 3600, m3);
    EXPECT_NEAR(double(hour), 3600e9, 1e3);
}

TEST(TscMath, NoOverflowForLongUptimes) {
    uint64_t m = tsc_multiplier(1'000'000);                        // 1 GHz, 1 ns per tick
    uint64_t ticks = 100ull * 365 * 24 * 3600 * 1'000'000'000ull;  // a century
    EXPECT_NEAR(double(ticks_to_ns(ticks, m)), double(ticks), double(ticks) * 1e-9);
}

TEST(TscMath, UnknownFrequencyGivesZeroMultiplier) {
    EXPECT_EQ(tsc_multiplier(0), 0u);
}

}  // namespace
