// A timerfd's timer: one-shot and periodic expiration counts, settime dropping unread
// expirations, the time left, and disarming.
#include <gtest/gtest.h>

#include "eventfd/timer.hpp"

namespace {

using uk::eventfd::Timer;

constexpr uint64_t kMs = 1000000;

TEST(TimerfdTimer, OneShotFiresOnceThenDisarms) {
    Timer t{};
    t.arm(1000 * kMs, 0);
    t.advance(999 * kMs);
    EXPECT_EQ(t.expired, 0u);
    EXPECT_EQ(t.remaining(999 * kMs), 1 * kMs);
    t.advance(5000 * kMs);
    EXPECT_EQ(t.expired, 1u);
    EXPECT_EQ(t.next_ns, 0u);
    EXPECT_EQ(t.remaining(5000 * kMs), 0u);
    EXPECT_EQ(t.take(), 1u);
    EXPECT_EQ(t.take(), 0u);
    t.advance(9000 * kMs);
    EXPECT_EQ(t.expired, 0u);
}

TEST(TimerfdTimer, PeriodicCountsEveryPeriodPassed) {
    Timer t{};
    t.arm(100 * kMs, 50 * kMs);
    t.advance(100 * kMs);
    EXPECT_EQ(t.expired, 1u);
    EXPECT_EQ(t.next_ns, 150 * kMs);
    t.advance(349 * kMs);  // 150, 200, 250, 300
    EXPECT_EQ(t.expired, 5u);
    EXPECT_EQ(t.next_ns, 350 * kMs);
    EXPECT_EQ(t.remaining(349 * kMs), 1 * kMs);
    EXPECT_EQ(t.take(), 5u);
}

TEST(TimerfdTimer, SettimeDropsUnreadExpirationsAndDisarms) {
    Timer t{};
    t.arm(10 * kMs, 10 * kMs);
    t.advance(100 * kMs);
    EXPECT_EQ(t.expired, 10u);
    uint32_t g = t.gen;
    t.arm(0, 10 * kMs);  // disarm
    EXPECT_NE(t.gen, g);
    EXPECT_EQ(t.expired, 0u);
    EXPECT_EQ(t.interval_ns, 0u);
    t.advance(1000 * kMs);
    EXPECT_EQ(t.expired, 0u);
}

}  // namespace
