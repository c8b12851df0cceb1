// Per-domain memory accounting: frames held against the limit, the peak, and the reservation.
#include "mm/frame_account.hpp"

#include <gtest/gtest.h>

namespace {

using uk::mm::FrameAccount;
using uk::mm::FrameReserve;
using uk::mm::limit_frames_for;

TEST(FrameAccount, UnlimitedCountsHeldAndPeak) {
    FrameAccount a;
    a.reset(0);
    for (int i = 0; i < 10; i++) ASSERT_TRUE(a.charge());
    for (int i = 0; i < 4; i++) a.uncharge();
    ASSERT_TRUE(a.charge());
    EXPECT_EQ(a.held(), 7u);
    EXPECT_EQ(a.peak(), 10u);
    EXPECT_FALSE(a.limit_hit());
}

TEST(FrameAccount, RefusesPastTheLimitAndRemembers) {
    FrameAccount a;
    a.reset(3);
    EXPECT_TRUE(a.charge());
    EXPECT_TRUE(a.charge());
    EXPECT_TRUE(a.charge());
    EXPECT_FALSE(a.limit_hit());
    EXPECT_FALSE(a.charge());
    EXPECT_TRUE(a.limit_hit());
    EXPECT_EQ(a.held(), 3u);
    a.uncharge();
    EXPECT_TRUE(a.charge());  // room again after a free
    EXPECT_EQ(a.peak(), 3u);
}

TEST(FrameAccount, UnchargeNeverUnderflows) {
    FrameAccount a;
    a.reset(0);
    a.uncharge();
    EXPECT_EQ(a.held(), 0u);
}

TEST(FrameAccount, ResetClearsEverything) {
    FrameAccount a;
    a.reset(1);
    a.charge();
    a.charge();
    a.reset(0);
    EXPECT_EQ(a.held(), 0u);
    EXPECT_EQ(a.peak(), 0u);
    EXPECT_FALSE(a.limit_hit());
}

TEST(FrameAccount, LimitBytesToFrames) {
    EXPECT_EQ(limit_frames_for(0), 0u);  // no limit
    EXPECT_EQ(limit_frames_for(1), 1u);  // a limit, however small, is at least one frame
    EXPECT_EQ(limit_frames_for(4096), 1u);
    EXPECT_EQ(limit_frames_for(8191), 1u);
    EXPECT_EQ(limit_frames_for(64ull << 20), 16384u);
}

// A limit is a reservation: what the reserve holds for limited accounts, nobody else may take.
TEST(FrameReserve, ReservesOnlyWhatIsFreeAndUnreserved) {
    FrameReserve r;
    EXPECT_TRUE(r.reserve(60, 100));
    EXPECT_EQ(r.reserved(), 60u);
    EXPECT_FALSE(r.reserve(41, 100));  // 40 left unreserved
    EXPECT_TRUE(r.reserve(40, 100));
    EXPECT_FALSE(r.reserve(1, 100));
    EXPECT_FALSE(r.reserve(0, 50));  // free below what is reserved: nothing more, not even 0
}

TEST(FrameReserve, OthersTakeOnlyTheUnreservedFrames) {
    FrameReserve r;
    ASSERT_TRUE(r.reserve(10, 30));
    // With 30 free, 20 frames may go to unlimited domains or the kernel, then no more.
    uint64_t free = 30, taken = 0;
    while (r.unreserved_available(free)) {
        free--;
        taken++;
    }
    EXPECT_EQ(taken, 20u);
    EXPECT_EQ(free, 10u);
    // The owner takes its 10 from the reservation (release as it takes), and gives them back.
    for (int i = 0; i < 10; i++) {
        r.release(1);
        free--;
    }
    EXPECT_EQ(r.reserved(), 0u);
    EXPECT_EQ(free, 0u);
    r.give_back();
    EXPECT_EQ(r.reserved(), 1u);
    EXPECT_FALSE(r.unreserved_available(1));  // its freed frame is still its own
    r.release(5);  // the owner ends: whatever is left of its reservation, never below zero
    EXPECT_EQ(r.reserved(), 0u);
    EXPECT_TRUE(r.unreserved_available(1));
}

}  // namespace
