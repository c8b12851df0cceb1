// FrameRefs: only extra references are counted, counter pages come and go with them.
#include "mm/frame_refs.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <set>

namespace {

using uk::mm::FrameRefs;

constexpr uint64_t kPages = 8;
alignas(4096) uint8_t g_pages[kPages * 4096];
std::set<uint64_t> g_out;  // counter pages handed out and not yet freed
bool g_fail = false;

// Counter pages live at fake "physical" addresses 1..kPages pages, backed by g_pages.
uint64_t fake_alloc() {
    if (g_fail) return 0;
    for (uint64_t i = 1; i <= kPages; i++) {
        uint64_t pa = i * 4096;
        if (g_out.insert(pa).second) {
            std::memset(g_pages + (i - 1) * 4096, 0, 4096);
            return pa;
        }
    }
    return 0;
}
void fake_free(uint64_t pa) {
    EXPECT_EQ(g_out.erase(pa), 1u) << "freed a counter page twice or one never handed out";
}
void* fake_virt(uint64_t pa) {
    return g_pages + (pa / 4096 - 1) * 4096;
}

class FrameRefsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        g_out.clear();
        g_fail = false;
    }
    void TearDown() override { EXPECT_TRUE(g_out.empty()); }
    // 80 KiB of directory: not on the test's stack.
    static FrameRefs& refs() {
        static FrameRefs* r = new FrameRefs(fake_alloc, fake_free, fake_virt);
        return *r;
    }
};

TEST_F(FrameRefsTest, AnUnsharedFrameHasOneOwnerAndNoCounterPage) {
    EXPECT_EQ(refs().extra(0x5000), 0u);
    EXPECT_TRUE(refs().drop(0x5000));  // its only reference: the caller frees it
    EXPECT_EQ(refs().pages_held(), 0u);
}

TEST_F(FrameRefsTest, SharesAreCountedAndTheLastDropFrees) {
    ASSERT_TRUE(refs().share(0x5000));
    ASSERT_TRUE(refs().share(0x5000));
    EXPECT_EQ(refs().extra(0x5000), 2u);
    EXPECT_EQ(refs().pages_held(), 1u);
    EXPECT_FALSE(refs().drop(0x5000));
    EXPECT_FALSE(refs().drop(0x5000));
    EXPECT_EQ(refs().pages_held(), 0u) << "the counter page goes once no count is left in it";
    EXPECT_TRUE(refs().drop(0x5000));
}

TEST_F(FrameRefsTest, FramesInOneRangeShareACounterPageOthersGetTheirOwn) {
    uint64_t a = 0x10000, b = a + 4096, far = a + FrameRefs::kCountersPerPage * 4096;
    ASSERT_TRUE(refs().share(a));
    ASSERT_TRUE(refs().share(b));
    EXPECT_EQ(refs().pages_held(), 1u);
    ASSERT_TRUE(refs().share(far));
    EXPECT_EQ(refs().pages_held(), 2u);
    EXPECT_FALSE(refs().drop(a));
    EXPECT_EQ(refs().pages_held(), 2u) << "b still counts in the first page";
    EXPECT_EQ(refs().extra(b), 1u);
    EXPECT_FALSE(refs().drop(b));
    EXPECT_FALSE(refs().drop(far));
    EXPECT_EQ(refs().pages_held(), 0u);
}

TEST_F(FrameRefsTest, NoCounterPageOrBeyondTheCoveredRamMeansNoShare) {
    g_fail = true;
    EXPECT_FALSE(refs().share(0x5000));
    g_fail = false;
    EXPECT_FALSE(refs().share(FrameRefs::kMaxFrames * 4096));
    EXPECT_EQ(refs().extra(0x5000), 0u);
    EXPECT_EQ(refs().pages_held(), 0u);
}

TEST_F(FrameRefsTest, ASaturatedCounterRefusesInsteadOfWrapping) {
    for (int i = 0; i < 0xFFFF; i++) ASSERT_TRUE(refs().share(0x7000));
    EXPECT_FALSE(refs().share(0x7000));
    EXPECT_EQ(refs().extra(0x7000), 0xFFFFu);
    for (int i = 0; i < 0xFFFF; i++) ASSERT_FALSE(refs().drop(0x7000));
    EXPECT_TRUE(refs().drop(0x7000));
}

}  // namespace
