// The leaf walker (unikernel/mm/leaf_walk.hpp) on page tables built in ordinary memory: it finds
// every present leaf, and its cost over a huge, mostly empty range is bounded by the tables
// present, not by the range (missing tables are skipped at their own level).
#include "mm/leaf_walk.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <vector>

namespace {

using uk::mm::walk_leaves;

constexpr uint64_t kPage = 4096;
constexpr uint64_t kTiB = 1ull << 40;

// A 4-level hierarchy whose "physical addresses" are the tables' own host addresses.
class Tables {
  public:
    Tables() : root_(table()) {}
    uint64_t* root() { return root_; }

    // Makes a 4 KiB leaf for va present, creating tables on the way.
    void map(uint64_t va) {
        uint64_t* t = root_;
        for (int level = 3; level > 0; level--) {
            uint64_t& e = t[(va >> (12 + 9 * level)) & 0x1FF];
            if (!(e & 1)) e = reinterpret_cast<uint64_t>(table()) | 3;
            t = reinterpret_cast<uint64_t*>(e & uk::mm::kWalkAddrMask);
        }
        t[(va >> 12) & 0x1FF] = 0x1000 | 3;
    }

    static uint64_t* to_table(uint64_t pa) { return reinterpret_cast<uint64_t*>(pa); }

  private:
    uint64_t* table() {
        auto* t = static_cast<uint64_t*>(std::aligned_alloc(kPage, kPage));
        std::fill(t, t + 512, 0);
        owned_.emplace_back(t, std::free);
        return t;
    }
    std::vector<std::unique_ptr<uint64_t, decltype(&std::free)>> owned_;
    uint64_t* root_;
};

std::vector<uint64_t> leaves(Tables& t, uint64_t start, uint64_t end, uint64_t* steps) {
    std::vector<uint64_t> found;
    walk_leaves(
        t.root(), start, end, Tables::to_table,
        [&](uint64_t va, uint64_t*) { found.push_back(va); }, steps);
    return found;
}

TEST(LeafWalk, FindsExactlyThePresentLeavesInRange) {
    Tables t;
    t.map(0x400000);
    t.map(0x401000);
    t.map(0x7FFF'FFFF'D000ull);
    t.map(2 * kTiB);
    uint64_t steps = 0;
    EXPECT_EQ(leaves(t, 0x10000, 0x7FFF'FFFF'F000ull, &steps),
              (std::vector<uint64_t>{0x400000, 0x401000, 2 * kTiB, 0x7FFF'FFFF'D000ull}));
    // The range's ends are respected, also inside one page table.
    EXPECT_EQ(leaves(t, 0x401000, 0x402000, &steps), (std::vector<uint64_t>{0x401000}));
    EXPECT_EQ(leaves(t, 0x402000, 2 * kTiB, &steps), (std::vector<uint64_t>{}));
    EXPECT_EQ(leaves(t, 0x400000, 0x401000, &steps), (std::vector<uint64_t>{0x400000}));
}

// munmap/mprotect/madvise of 100 TiB with one page touched at each end: the old walker took a
// step per 2 MiB (52 million); this one examines each PML4 slot in range once and the entries of
// the few tables present.
TEST(LeafWalk, HugeSparseRangeCostsStepsPerTablePresentNotPerPage) {
    Tables t;
    uint64_t start = 1 * kTiB, end = start + 100 * kTiB;
    t.map(start);
    t.map(end - kPage);
    uint64_t steps = 0;
    auto found = leaves(t, start, end, &steps);
    EXPECT_EQ(found, (std::vector<uint64_t>{start, end - kPage}));
    // 200 PML4 slots, then a PDPT, a PD and a PT at each end (at most 512 entries each).
    EXPECT_LE(steps, 200u + 2 * 3 * 512u);
    std::cout << "[ measured ] " << steps << " walker steps for 100 TiB with 2 pages present\n";

    // Nothing present at all: one step per 512 GiB.
    Tables empty;
    steps = 0;
    EXPECT_TRUE(leaves(empty, 0, 128 * kTiB, &steps).empty());
    EXPECT_EQ(steps, 256u);
}

// Missing tables are skipped at their own level: a PDPT with one PD present costs its 512
// entries plus the PD's, not a step per 2 MiB of the 512 GiB it spans.
TEST(LeafWalk, MissingTablesSkippedAtEveryLevel) {
    Tables t;
    t.map(3ull << 30);  // 3 GiB: PML4 slot 0, PDPT entry 3
    uint64_t steps = 0;
    EXPECT_EQ(leaves(t, 0, 512ull << 30, &steps), (std::vector<uint64_t>{3ull << 30}));
    EXPECT_EQ(steps, 1u + 512u + 512u + 512u);
    // Starting and ending inside spans: only the entries the range touches.
    steps = 0;
    EXPECT_EQ(leaves(t, (3ull << 30) - kPage, (3ull << 30) + 2 * kPage, &steps),
              (std::vector<uint64_t>{3ull << 30}));
    // PML4 slot 0; PDPT entries 2 (missing: skipped whole) and 3; PD entry 0; PT entries 0, 1.
    EXPECT_EQ(steps, 1u + 2u + 1u + 2u);
}

TEST(LeafWalk, LargeLeavesAreNotDescendedInto) {
    Tables t;
    t.map(0x200000);
    // Turn PD entry 2 (4 MiB) into a 2 MiB leaf: it must not be read as a table.
    uint64_t* pdpt = Tables::to_table(t.root()[0] & uk::mm::kWalkAddrMask);
    uint64_t* pd = Tables::to_table(pdpt[0] & uk::mm::kWalkAddrMask);
    pd[2] = 0x400000 | uk::mm::kWalkHuge | 1;
    uint64_t steps = 0;
    EXPECT_EQ(leaves(t, 0, 1ull << 30, &steps), (std::vector<uint64_t>{0x200000}));
}

}  // namespace
