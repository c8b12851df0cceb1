#include "mm/frame_allocator.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <vector>

namespace {

// A fake physical memory: frames [base, base + 64 pages) backed by a host buffer.
constexpr uint64_t kBase = 0x100000;
constexpr uint64_t kPages = 64;
alignas(4096) uint8_t g_ram[kPages * 4096];
bool g_touched[kPages];

void* fake_phys_to_virt(uint64_t pa) {
    EXPECT_GE(pa, kBase);
    EXPECT_LT(pa, kBase + sizeof g_ram);
    g_touched[(pa - kBase) / 4096] = true;
    return g_ram + (pa - kBase);
}

class FrameAllocatorTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::memset(g_touched, 0, sizeof g_touched);
        std::memset(g_ram, 0xAB, sizeof g_ram);
        fa.init(kBase, kBase + kPages * 4096, fake_phys_to_virt);
    }
    uk::mm::FrameAllocator fa;
};

TEST_F(FrameAllocatorTest, HandsOutEveryFrameOnceThenFails) {
    std::set<uint64_t> seen;
    for (uint64_t i = 0; i < kPages; i++) {
        uint64_t pa = fa.alloc();
        ASSERT_NE(pa, 0u);
        EXPECT_EQ(pa % 4096, 0u);
        EXPECT_TRUE(seen.insert(pa).second);
    }
    EXPECT_EQ(fa.alloc(), 0u);
    EXPECT_EQ(fa.free_frames(), 0u);
    EXPECT_EQ(fa.used_frames(), kPages);
}

TEST_F(FrameAllocatorTest, DoesNotTouchFramesBeforeHandingThemOut) {
    uint64_t a = fa.alloc();
    uint64_t b = fa.alloc();
    (void)a;
    (void)b;
    for (bool t : g_touched) EXPECT_FALSE(t);  // lazily backed RAM stays untouched
}

TEST_F(FrameAllocatorTest, FreedFramesAreReusedAndZeroedOnRequest) {
    std::vector<uint64_t> all;
    for (uint64_t i = 0; i < kPages; i++) all.push_back(fa.alloc());
    fa.free(all[5]);
    fa.free(all[9]);
    EXPECT_EQ(fa.free_frames(), 2u);
    uint64_t z = fa.alloc_zeroed();
    EXPECT_EQ(z, all[9]);  // LIFO
    const uint8_t* p = g_ram + (z - kBase);
    for (int i = 0; i < 4096; i++) ASSERT_EQ(p[i], 0) << i;
    EXPECT_EQ(fa.alloc(), all[5]);
    EXPECT_EQ(fa.alloc(), 0u);
}

TEST(FrameAllocator, NeverHandsOutFrameZero) {
    alignas(4096) static uint8_t ram[4 * 4096];
    uk::mm::FrameAllocator fa;
    fa.init(0, 4 * 4096, [](uint64_t pa) -> void* { return ram + pa; });
    for (int i = 0; i < 3; i++) EXPECT_NE(fa.alloc(), 0u);
    EXPECT_EQ(fa.alloc(), 0u);
}

}  // namespace
