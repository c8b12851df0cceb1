// fcntl record locks: conflicts between owners (POSIX and OFD alike), replacing, splitting and
// merging an owner's own locks, release on close, a full table, deadlock detection.
#include <gtest/gtest.h>

#include "fs/record_locks.hpp"
#include "sys/errno.hpp"

namespace {

using namespace uk::fs;

const LockOwner kP1{1, false}, kP2{2, false}, kP3{3, false}, kOfdA{0x1000, true};
constexpr uint64_t kFile = 7, kOther = 8;

TEST(RecordLocks, ReadersShareWritersExclude) {
    RecordLocks t;
    EXPECT_EQ(t.set(kFile, kRdlck, 0, 100, kP1, 1), 0);
    EXPECT_EQ(t.set(kFile, kRdlck, 50, 150, kP2, 2), 0);
    EXPECT_EQ(t.set(kFile, kWrlck, 90, 95, kP3, 3), -uk::kEAGAIN);
    const RecordLock* c = t.conflict(kFile, kWrlck, 120, 130, kP3);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->pid, 2u);
    EXPECT_EQ(c->start, 50u);
    EXPECT_EQ(t.conflict(kFile, kWrlck, 150, kLockEof, kP3), nullptr);  // past both
    EXPECT_EQ(t.conflict(kOther, kWrlck, 0, kLockEof, kP3), nullptr);   // another file
    EXPECT_EQ(t.conflict(kFile, kRdlck, 0, kLockEof, kP3), nullptr);    // readers share
    // An owner never conflicts with itself.
    EXPECT_EQ(t.conflict(kFile, kWrlck, 0, 50, kP1), nullptr);
}

TEST(RecordLocks, OfdAndPosixConflictEvenInOneProcess) {
    RecordLocks t;
    EXPECT_EQ(t.set(kFile, kWrlck, 0, kLockEof, kOfdA, 1), 0);
    EXPECT_EQ(t.set(kFile, kRdlck, 10, 20, kP1, 1), -uk::kEAGAIN);
    EXPECT_TRUE(t.release(kFile, kOfdA));
    EXPECT_EQ(t.set(kFile, kRdlck, 10, 20, kP1, 1), 0);
}

TEST(RecordLocks, RelockReplacesSplitsAndMerges) {
    RecordLocks t;
    ASSERT_EQ(t.set(kFile, kWrlck, 0, 100, kP1, 1), 0);
    // A read lock in the middle splits the write lock in three.
    ASSERT_EQ(t.set(kFile, kRdlck, 40, 60, kP1, 1), 0);
    EXPECT_EQ(t.count(), 3u);
    EXPECT_EQ(t.conflict(kFile, kRdlck, 40, 60, kP2), nullptr);  // only read-locked there
    EXPECT_NE(t.conflict(kFile, kRdlck, 39, 40, kP2), nullptr);
    EXPECT_NE(t.conflict(kFile, kRdlck, 60, 61, kP2), nullptr);
    // Writing it back merges the three into one.
    ASSERT_EQ(t.set(kFile, kWrlck, 40, 60, kP1, 1), 0);
    EXPECT_EQ(t.count(), 1u);
    // Touching ranges of one type merge too.
    ASSERT_EQ(t.set(kFile, kWrlck, 100, 200, kP1, 1), 0);
    EXPECT_EQ(t.count(), 1u);
    // Unlocking a hole leaves two.
    ASSERT_EQ(t.set(kFile, kUnlck, 10, 20, kP1, 1), 0);
    EXPECT_EQ(t.count(), 2u);
    EXPECT_EQ(t.conflict(kFile, kWrlck, 10, 20, kP2), nullptr);
    const RecordLock* c = t.conflict(kFile, kWrlck, 150, 151, kP2);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->start, 20u);
    EXPECT_EQ(c->end, 200u);
    // Unlocking another owner's range changes nothing.
    ASSERT_EQ(t.set(kFile, kUnlck, 0, kLockEof, kP2, 2), 0);
    EXPECT_EQ(t.count(), 2u);
}

TEST(RecordLocks, ToEndOfFile) {
    RecordLocks t;
    ASSERT_EQ(t.set(kFile, kWrlck, 1000, kLockEof, kP1, 1), 0);
    EXPECT_NE(t.conflict(kFile, kRdlck, uint64_t(1) << 62, (uint64_t(1) << 62) + 1, kP2),
              nullptr);
    EXPECT_EQ(t.conflict(kFile, kRdlck, 0, 1000, kP2), nullptr);
}

TEST(RecordLocks, ReleaseDropsOnlyThatOwner) {
    RecordLocks t;
    ASSERT_EQ(t.set(kFile, kRdlck, 0, 10, kP1, 1), 0);
    ASSERT_EQ(t.set(kOther, kRdlck, 0, 10, kP1, 1), 0);
    ASSERT_EQ(t.set(kFile, kRdlck, 0, 10, kP2, 2), 0);
    EXPECT_TRUE(t.release(kFile, kP1));
    EXPECT_FALSE(t.release(kFile, kP1));
    EXPECT_EQ(t.count(), 2u);
    EXPECT_TRUE(t.release(0, kP1));  // every file: the process exited
    EXPECT_EQ(t.count(), 1u);
    EXPECT_EQ(t.set(kFile, kWrlck, 0, 10, kP1, 1), -uk::kEAGAIN);  // P2's read lock remains
}

TEST(RecordLocks, FullTableRefusesWithoutChanges) {
    RecordLocks t;
    for (uint64_t i = 0; i < RecordLocks::kMaxLocks; i++) {
        ASSERT_EQ(t.set(kFile, kWrlck, i * 10, i * 10 + 5, kP1, 1), 0);
    }
    EXPECT_EQ(t.set(kFile, kWrlck, 5000, 5005, kP1, 1), -uk::kENOLCK);
    // A split needs a slot too; the lock stays whole.
    EXPECT_EQ(t.set(kFile, kRdlck, 1, 2, kP1, 1), -uk::kENOLCK);
    EXPECT_NE(t.conflict(kFile, kRdlck, 1, 2, kP2), nullptr);
    // Unlocking a whole lock needs none.
    EXPECT_EQ(t.set(kFile, kUnlck, 0, 5, kP1, 1), 0);
    EXPECT_EQ(t.count(), RecordLocks::kMaxLocks - 1);
}

TEST(RecordLocks, DeadlockBetweenTwoOrThreeProcesses) {
    RecordLocks t;
    // P1 waits for P2; P2 now asking to wait for P1 is a deadlock.
    EXPECT_EQ(t.start_waiting(kP1, kP2), 0);
    EXPECT_EQ(t.start_waiting(kP2, kP1), -uk::kEDEADLK);
    // A chain: P2 waits for P3; P3 waiting for P1 closes the cycle.
    EXPECT_EQ(t.start_waiting(kP2, kP3), 0);
    EXPECT_EQ(t.start_waiting(kP3, kP1), -uk::kEDEADLK);
    t.done_waiting(kP1);
    EXPECT_EQ(t.start_waiting(kP3, kP1), 0);
    // OFD owners are not checked (Linux does not either).
    EXPECT_EQ(t.start_waiting(kOfdA, kP3), 0);
}

}  // namespace
