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

TEST(TscMath, NanosecondsToTicksForTimerDeadlines) {
    using uk::time::ns_to_ticks;
    EXPECT_EQ(ns_to_ticks(0, 3'000'000), 0u);
    EXPECT_EQ(ns_to_ticks(1'000'000, 3'000'000), 3'000'000u);  // 1 ms at 3 GHz
    EXPECT_EQ(ns_to_ticks(1'500'000, 2'000'000), 3'000'000u);  // the sub-ms part counts too
    EXPECT_EQ(ns_to_ticks(999, 1'000'000), 999u);              // 1 GHz: 1 tick per ns
    // Round trip with ticks_to_ns, within the 32.32 multiplier's precision.
    uint64_t m = tsc_multiplier(2'399'987);
    uint64_t ns = 123'456'789'012ull;
    EXPECT_NEAR(double(ticks_to_ns(ns_to_ticks(ns, 2'399'987), m)), double(ns), double(ns) * 1e-6);
}

TEST(TscMath, NanosecondsToTicksSaturates) {
    using uk::time::ns_to_ticks;
    EXPECT_EQ(ns_to_ticks(~0ull, 5'000'000), ~0ull);
    EXPECT_EQ(ns_to_ticks(~0ull / 2, 3'000'000), ~0ull);
}

}  // namespace
