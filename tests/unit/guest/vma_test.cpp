#include "mm/vma.hpp"

#include <gtest/gtest.h>

namespace {

using uk::mm::kProtExec;
using uk::mm::kProtNone;
using uk::mm::kProtRead;
using uk::mm::kProtWrite;
using uk::mm::Vma;
using uk::mm::VmaSet;

constexpr uint32_t kRw = kProtRead | kProtWrite;
constexpr uint64_t P = 4096;

TEST(VmaSet, InsertFindAndRejectOverlap) {
    VmaSet s;
    EXPECT_TRUE(s.insert({10 * P, 20 * P, kRw, kRw}));
    EXPECT_TRUE(s.insert({30 * P, 40 * P, kProtRead, kRw}));
    EXPECT_FALSE(s.insert({19 * P, 21 * P, kRw, kRw}));
    EXPECT_FALSE(s.insert({5 * P, 5 * P, kRw, kRw}));  // empty
    ASSERT_NE(s.find(10 * P), nullptr);
    EXPECT_EQ(s.find(10 * P)->end, 20 * P);
    EXPECT_EQ(s.find(20 * P), nullptr);
    EXPECT_EQ(s.find(9 * P + 4095), nullptr);
    EXPECT_EQ(s.find(39 * P)->prot, kProtRead);
    EXPECT_TRUE(s.overlaps(15 * P, 35 * P));
    EXPECT_FALSE(s.overlaps(20 * P, 30 * P));
}

TEST(VmaSet, AdjacentEqualRegionsMerge) {
    VmaSet s;
    ASSERT_TRUE(s.insert({10 * P, 20 * P, kRw, kRw}));
    ASSERT_TRUE(s.insert({20 * P, 30 * P, kRw, kRw}));
    EXPECT_EQ(s.size(), 1u);
    ASSERT_TRUE(s.insert({30 * P, 31 * P, kProtRead, kRw}));  // different rights: no merge
    EXPECT_EQ(s.size(), 2u);
}

TEST(VmaSet, RemovePunchesHolesAndTrims) {
    VmaSet s;
    ASSERT_TRUE(s.insert({10 * P, 20 * P, kRw, kRw}));
    ASSERT_TRUE(s.remove(12 * P, 14 * P));
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s.at(0).end, 12 * P);
    EXPECT_EQ(s.at(1).start, 14 * P);
    ASSERT_TRUE(s.remove(11 * P, 15 * P));  // trims both sides
    EXPECT_EQ(s.at(0).end, 11 * P);
    EXPECT_EQ(s.at(1).start, 15 * P);
    ASSERT_TRUE(s.remove(0, 100 * P));
    EXPECT_EQ(s.size(), 0u);
}

TEST(VmaSet, CoversAndAllows) {
    VmaSet s;
    ASSERT_TRUE(s.insert({10 * P, 20 * P, kRw, kRw}));
    ASSERT_TRUE(s.insert({20 * P, 30 * P, kProtRead | kProtExec, kProtRead | kProtExec}));
    EXPECT_TRUE(s.covers(10 * P, 30 * P, kProtRead));
    EXPECT_FALSE(s.covers(10 * P, 30 * P, kProtWrite));
    EXPECT_TRUE(s.covers(10 * P, 20 * P, kProtWrite));
    EXPECT_FALSE(s.covers(9 * P, 12 * P, kProtNone));    // hole at the start
    EXPECT_FALSE(s.covers(25 * P, 31 * P, kProtNone));   // hole at the end
    EXPECT_FALSE(s.allows(20 * P, 30 * P, kProtWrite));  // code never becomes writable
    EXPECT_TRUE(s.allows(10 * P, 20 * P, kProtRead));
}

TEST(VmaSet, ProtectSplitsAndRemerges) {
    VmaSet s;
    ASSERT_TRUE(s.insert({10 * P, 20 * P, kRw, kRw}));
    ASSERT_TRUE(s.protect(12 * P, 14 * P, kProtRead));
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s.find(13 * P)->prot, kProtRead);
    EXPECT_EQ(s.find(11 * P)->prot, kRw);
    EXPECT_EQ(s.find(15 * P)->prot, kRw);
    ASSERT_TRUE(s.protect(12 * P, 14 * P, kRw));
    EXPECT_EQ(s.size(), 1u);
}

TEST(VmaSet, FullSetRefusesSplitsWithoutChanging) {
    VmaSet s;
    for (uint64_t i = 0; i < VmaSet::kMaxVmas; i++) {
        // Alternate rights so nothing merges.
        ASSERT_TRUE(s.insert({(10 + 4 * i) * P, (13 + 4 * i) * P, i % 2 ? kRw : kProtRead, kRw}));
    }
    EXPECT_FALSE(s.insert({1 * P, 2 * P, kRw, kRw}));
    EXPECT_FALSE(s.remove(11 * P, 12 * P));        // a hole in one VMA needs a slot
    EXPECT_FALSE(s.protect(11 * P, 12 * P, kRw));  // and re-protecting its middle two
    EXPECT_EQ(s.size(), VmaSet::kMaxVmas);
    EXPECT_EQ(s.find(10 * P)->end, 13 * P);
    EXPECT_EQ(s.find(11 * P)->prot, kProtRead);
    EXPECT_TRUE(s.remove(12 * P, 13 * P));  // trimming an end needs no slot
    EXPECT_EQ(s.find(10 * P)->end, 12 * P);
    EXPECT_TRUE(s.remove(10 * P, 12 * P));  // nor does a whole VMA
    EXPECT_EQ(s.size(), VmaSet::kMaxVmas - 1);
}

TEST(VmaSet, FindFreeTopDown) {
    VmaSet s;
    EXPECT_EQ(s.find_free_top_down(10 * P, 0, 100 * P), 90 * P);
    ASSERT_TRUE(s.insert({90 * P, 100 * P, kRw, kRw}));
    EXPECT_EQ(s.find_free_top_down(10 * P, 0, 100 * P), 80 * P);
    ASSERT_TRUE(s.insert({75 * P, 85 * P, kRw, kRw}));
    // [85, 90) is too small for 10 pages; next gap below 75.
    EXPECT_EQ(s.find_free_top_down(10 * P, 0, 100 * P), 65 * P);
    EXPECT_EQ(s.find_free_top_down(5 * P, 0, 100 * P), 85 * P);
    // A VMA straddling the ceiling lowers it.
    EXPECT_EQ(s.find_free_top_down(5 * P, 0, 95 * P), 85 * P);
    EXPECT_EQ(s.find_free_top_down(80 * P, 0, 100 * P), 0u);
    EXPECT_EQ(s.find_free_top_down(10 * P, 70 * P, 100 * P), 0u);  // floor respected
    EXPECT_EQ(s.find_free_top_down(0, 0, 100 * P), 0u);
}

// The first offending address of a range comes from the VMAs alone (the address-space check that
// reports a hole or a missing right in a huge iovec no longer walks its pages).
TEST(VmaSet, FirstDeniedFindsTheFirstHoleOrMissingRight) {
    using uk::mm::Denial;
    VmaSet s;
    constexpr uint64_t T = 1ull << 40;  // 1 TiB
    ASSERT_TRUE(s.insert({P, 64 * T, kRw, kRw}));
    ASSERT_TRUE(s.insert({64 * T, 65 * T, kProtRead, kRw}));
    ASSERT_TRUE(s.insert({66 * T, 67 * T, kRw, kRw}));
    uint64_t at = 0;
    EXPECT_EQ(s.first_denied(P, 64 * T, kProtWrite, &at), Denial::none);
    EXPECT_EQ(at, 64 * T);
    EXPECT_EQ(s.first_denied(P, 65 * T, kProtWrite, &at), Denial::protection);
    EXPECT_EQ(at, 64 * T);
    EXPECT_EQ(s.first_denied(P, 65 * T + P, kProtRead, &at), Denial::gap);
    EXPECT_EQ(at, 65 * T);
    EXPECT_EQ(s.first_denied(0, P, kProtRead, &at), Denial::gap);
    EXPECT_EQ(at, 0u);
    EXPECT_EQ(s.first_denied(66 * T, 68 * T, kProtRead, &at), Denial::gap);
    EXPECT_EQ(at, 67 * T);
    EXPECT_TRUE(s.covers(P, 65 * T, kProtRead));
    EXPECT_FALSE(s.covers(P, 65 * T, kProtWrite));
}

}  // namespace
