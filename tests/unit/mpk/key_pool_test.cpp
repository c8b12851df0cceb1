// The key pool and PKRU values of the MPK backend (mpk/key_pool.hpp, mpk/pkru.hpp), and the
// window layout the unikernel derives from a key (unikernel/mm/user_layout.hpp).
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "mpk/key_pool.hpp"
#include "mpk/pkru.hpp"
#include "unikernel/mm/user_layout.hpp"

namespace {

using er::mpk::KeyPool;

TEST(KeyPool, FillsSpaceZeroWithKeysOneToFifteenThenSpills) {
    KeyPool<5> pool;
    uint32_t space = 99, key = 99;
    for (uint32_t i = 1; i <= 15; i++) {
        ASSERT_TRUE(pool.take(&space, &key));
        EXPECT_EQ(space, 0u);
        EXPECT_EQ(key, i);
    }
    ASSERT_TRUE(pool.take(&space, &key));
    EXPECT_EQ(space, 1u);
    EXPECT_EQ(key, 1u);
    EXPECT_EQ(pool.members(0), 15u);
    EXPECT_EQ(pool.members(1), 1u);
}

TEST(KeyPool, TwentyDomainsGetTwentyDistinctPairsAndNeverKeyZero) {
    KeyPool<5> pool;
    std::set<std::pair<uint32_t, uint32_t>> seen;
    for (int i = 0; i < 20; i++) {
        uint32_t space, key;
        ASSERT_TRUE(pool.take(&space, &key));
        EXPECT_NE(key, 0u);
        EXPECT_TRUE(seen.insert({space, key}).second);
    }
    EXPECT_EQ(pool.members(1), 5u);
}

TEST(KeyPool, RunsOutAfterEverySpaceIsFull) {
    KeyPool<2> pool;
    uint32_t space, key;
    for (int i = 0; i < 30; i++) ASSERT_TRUE(pool.take(&space, &key));
    EXPECT_FALSE(pool.take(&space, &key));
}

TEST(KeyPool, GivenBackKeysAreReusedAndBogusReturnsIgnored) {
    KeyPool<2> pool;
    uint32_t space, key;
    for (int i = 0; i < 3; i++) ASSERT_TRUE(pool.take(&space, &key));
    EXPECT_TRUE(pool.give_back(0, 2));
    EXPECT_FALSE(pool.give_back(0, 2));   // twice
    EXPECT_FALSE(pool.give_back(0, 0));   // key 0 is never handed out
    EXPECT_FALSE(pool.give_back(0, 16));  // no such key
    EXPECT_FALSE(pool.give_back(7, 1));   // no such space
    EXPECT_FALSE(pool.give_back(1, 1));   // not taken
    ASSERT_TRUE(pool.take(&space, &key));
    EXPECT_EQ(space, 0u);
    EXPECT_EQ(key, 2u);
    EXPECT_EQ(pool.members(0), 3u);
    EXPECT_EQ(pool.members(9), 0u);
}

TEST(Pkru, OnlyOwnKeyIsReadableAndWritable) {
    for (uint32_t own = 0; own < 16; own++) {
        uint32_t pkru = er::mpk::pkru_only(own);
        for (uint32_t k = 0; k < 16; k++) {
            EXPECT_EQ(er::mpk::pkru_allows_read(pkru, k), k == own) << own << " " << k;
            EXPECT_EQ(er::mpk::pkru_allows_write(pkru, k), k == own) << own << " " << k;
        }
    }
    EXPECT_EQ(er::mpk::pkru_only(16), er::mpk::kPkruDenyAll);
    EXPECT_EQ(er::mpk::pkru_only(3), 0xFFFFFF3Fu);
}

TEST(MpkWindow, WindowsAreDisjointInsideTheLowerHalfAndOrderedInside) {
    using namespace uk::mm;
    for (unsigned k = 1; k <= 15; k++) {
        UserLayout w = mpk_window(k);
        EXPECT_EQ(w.lo, uint64_t(k) << 42);
        EXPECT_LT(w.hi, mpk_window(k + 1).lo) << "a guard page between windows";
        EXPECT_LE(w.hi, kUserEnd);
        EXPECT_LT(w.lo, w.pie_bias);
        EXPECT_LT(w.pie_bias, w.brk_limit);
        EXPECT_LT(w.brk_limit, w.mmap_base);
        EXPECT_LT(w.mmap_base, w.stack_top - kUserStackSize);
        EXPECT_LT(w.stack_top, w.hi);
        // Eight whole PML4 slots (512 GiB each) per window: no page table is shared by two keys.
        EXPECT_EQ(w.lo % (512ull << 30), 0u);
        EXPECT_EQ((w.hi + kPageSize) % (512ull << 30), 0u);
        EXPECT_TRUE(w.contains(w.pie_bias, w.pie_bias + kPageSize));
        EXPECT_FALSE(w.contains(w.lo - kPageSize, w.lo + kPageSize));
        EXPECT_FALSE(w.contains(w.hi - kPageSize, w.hi + kPageSize));
        EXPECT_FALSE(w.contains(w.lo + 2 * kPageSize, w.lo + kPageSize));
    }
    UserLayout all = whole_user_layout();
    EXPECT_EQ(all.pie_bias, kPieLoadBias);
    EXPECT_EQ(all.stack_top, kUserStackTop);
}

}  // namespace
