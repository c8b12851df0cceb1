// The scheduler's sleep queue: earliest deadline first, ties in arrival order.
#include "sched/sleep_queue.hpp"

#include <gtest/gtest.h>

namespace {

using uk::sched::SleepQueue;

TEST(SleepQueue, PopsExpiredInDeadlineOrder) {
    SleepQueue q;
    q.insert(1, 300);
    q.insert(2, 100);
    q.insert(3, 200);
    EXPECT_EQ(q.next_deadline(), 100u);
    uint32_t id = 99;
    EXPECT_FALSE(q.pop_expired(99, &id));
    ASSERT_TRUE(q.pop_expired(250, &id));
    EXPECT_EQ(id, 2u);
    ASSERT_TRUE(q.pop_expired(250, &id));
    EXPECT_EQ(id, 3u);
    EXPECT_FALSE(q.pop_expired(250, &id));
    ASSERT_TRUE(q.pop_expired(300, &id));  // a deadline equal to now has passed
    EXPECT_EQ(id, 1u);
    EXPECT_TRUE(q.empty());
}

TEST(SleepQueue, EqualDeadlinesKeepArrivalOrder) {
    SleepQueue q;
    for (uint32_t id = 10; id < 15; id++) q.insert(id, 500);
    uint32_t id;
    for (uint32_t want = 10; want < 15; want++) {
        ASSERT_TRUE(q.pop_expired(500, &id));
        EXPECT_EQ(id, want);
    }
}

TEST(SleepQueue, ReinsertMovesAndRemoveDrops) {
    SleepQueue q;
    q.insert(1, 100);
    q.insert(2, 200);
    q.insert(1, 300);  // the same domain sleeping again: one entry, the new deadline
    EXPECT_EQ(q.size(), 2u);
    EXPECT_EQ(q.next_deadline(), 200u);
    EXPECT_TRUE(q.remove(2));
    EXPECT_FALSE(q.remove(2));
    EXPECT_TRUE(q.contains(1));
    EXPECT_EQ(q.next_deadline(), 300u);
}

TEST(SleepQueue, FullAtCapacity) {
    SleepQueue q;
    for (uint32_t id = 0; id < SleepQueue::kCapacity; id++) ASSERT_TRUE(q.insert(id, 1000 - id));
    EXPECT_FALSE(q.insert(999, 1));
    EXPECT_EQ(q.next_deadline(), 1000u - (SleepQueue::kCapacity - 1));
    uint64_t last = 0;
    uint32_t id;
    while (q.pop_expired(~0ull, &id)) {
        EXPECT_GE(1000u - id, last);
        last = 1000u - id;
    }
    EXPECT_TRUE(q.empty());
}

}  // namespace
