// The scheduler's round-robin run queue.
#include "sched/run_queue.hpp"

#include <gtest/gtest.h>

namespace {

using uk::sched::RunQueue;

TEST(RunQueue, FifoOrder) {
    RunQueue q;
    EXPECT_TRUE(q.empty());
    ASSERT_TRUE(q.push(3));
    ASSERT_TRUE(q.push(1));
    ASSERT_TRUE(q.push(2));
    EXPECT_EQ(q.size(), 3u);
    EXPECT_EQ(q.pop(), 3u);
    EXPECT_EQ(q.pop(), 1u);
    EXPECT_EQ(q.pop(), 2u);
    EXPECT_TRUE(q.empty());
}

TEST(RunQueue, RoundRobinRequeueGoesToTheBack) {
    RunQueue q;
    for (uint32_t id = 0; id < 3; id++) q.push(id);
    // A preempted domain is pushed back after the others: 0 1 2 0 1 2 ...
    uint32_t order[9];
    for (uint32_t& o : order) {
        o = q.pop();
        q.push(o);
    }
    const uint32_t want[9] = {0, 1, 2, 0, 1, 2, 0, 1, 2};
    for (int i = 0; i < 9; i++) EXPECT_EQ(order[i], want[i]) << i;
}

TEST(RunQueue, PushingTwiceQueuesOnce) {
    RunQueue q;
    q.push(5);
    q.push(5);
    EXPECT_EQ(q.size(), 1u);
}

TEST(RunQueue, RemoveKeepsTheOthersOrder) {
    RunQueue q;
    for (uint32_t id = 0; id < 5; id++) q.push(id);
    q.pop();  // move head away from slot 0 so the ring wraps below
    q.push(7);
    EXPECT_TRUE(q.remove(2));
    EXPECT_FALSE(q.remove(2));
    EXPECT_FALSE(q.contains(2));
    EXPECT_EQ(q.pop(), 1u);
    EXPECT_EQ(q.pop(), 3u);
    EXPECT_EQ(q.pop(), 4u);
    EXPECT_EQ(q.pop(), 7u);
    EXPECT_TRUE(q.empty());
}

TEST(RunQueue, FullAtCapacityAndWrapsAround) {
    RunQueue q;
    for (uint32_t id = 0; id < RunQueue::kCapacity; id++) ASSERT_TRUE(q.push(id));
    EXPECT_FALSE(q.push(1000));
    for (uint32_t round = 0; round < 3 * RunQueue::kCapacity; round++) {
        uint32_t id = q.pop();
        EXPECT_EQ(id, round % RunQueue::kCapacity);
        ASSERT_TRUE(q.push(id));
    }
}

}  // namespace
