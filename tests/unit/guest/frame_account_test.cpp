// Per-domain memory accounting: frames held against the limit, and the peak.
#include "mm/frame_account.hpp"

#include <gtest/gtest.h>

namespace {

using uk::mm::FrameAccount;
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

}  // namespace
