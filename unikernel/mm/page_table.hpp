// x86-64 4-level page tables (4 KiB leaves, 2 MiB leaves for the direct map).  Tables are frames
// from g_frames, reached through phys_to_virt.  Invalidation is the caller's business only for
// the CR3 it is not running on; map/unmap/protect invlpg the current address space.
#pragma once

#include <stdint.h>

#include "mm/frame_account.hpp"
#include "mm/layout.hpp"
#include "mm/leaf_walk.hpp"

namespace uk::mm {

constexpr uint64_t kPtePresent = 1ull << 0;
constexpr uint64_t kPteWrite = 1ull << 1;
constexpr uint64_t kPteUser = 1ull << 2;
constexpr uint64_t kPteAccessed = 1ull << 5;
constexpr uint64_t kPteDirty = 1ull << 6;
constexpr uint64_t kPteHuge = 1ull << 7;
constexpr uint64_t kPteGlobal = 1ull << 8;
constexpr uint64_t kPteNx = 1ull << 63;
// Software bits (bits 9-11 are ignored by the MMU in every level's entries).
// kPteCow: the frame is shared copy-on-write (AddressSpace::fork_into); the entry is read-only
// although its VMA may allow writing, and a write fault copies the frame (or takes it over when
// no one else holds it any more).
constexpr uint64_t kPteCow = 1ull << 9;
// kPteKernelFrame: a kernel-owned frame mapped into user space read-only (the vDSO's text and
// clock data page): an address space never frees, copies, shares-counts or charges it; fork
// maps the same frame in the child, teardown just drops the entry, MADV_DONTNEED keeps it.
constexpr uint64_t kPteKernelFrame = 1ull << 10;
constexpr uint64_t kPteSoftMask = kPteCow | kPteKernelFrame;
constexpr uint64_t kPteAddrMask = 0x000F'FFFF'FFFF'F000ull;
// The protection key of a user page, bits 62..59 (MPK domains; docs/mpk.md).
constexpr uint64_t kPtePkeyShift = 59;
constexpr uint64_t kPtePkeyMask = 0xFull << kPtePkeyShift;

enum class MapResult { ok, out_of_memory, already_mapped };

class PageTable {
  public:
    PageTable() = default;
    explicit PageTable(uint64_t root_pa) : root_(root_pa) {}

    // A fresh, empty hierarchy (0 root on out of memory).  With an account, the root and every
    // table created later are charged to it (and uncharged when freed).
    static PageTable create(FrameAccount* account = nullptr);
    // Another handle on an existing hierarchy; tables it creates are charged to `account`.  An MPK
    // domain holds one on its space's shared root, so the tables under its window are its own.
    static PageTable view(uint64_t root_pa, FrameAccount* account);

    uint64_t root() const { return root_; }

    // The leaf entry for va, or nullptr when an intermediate table is missing.  With create,
    // missing tables are allocated (nullptr then means out of memory).  Never descends into a
    // 2 MiB leaf (returns nullptr).
    uint64_t* walk(uint64_t va, bool create);

    MapResult map(uint64_t va, uint64_t pa, uint64_t flags);
    MapResult map_large(uint64_t va, uint64_t pa, uint64_t flags);  // 2 MiB, both aligned
    // Removes the leaf for va; returns the old entry (0 if nothing was mapped).
    uint64_t unmap(uint64_t va);
    // Replaces the flag bits of a present leaf, keeping its frame.
    void protect(uint64_t va, uint64_t flags);
    // The physical address va maps to, or ~0 if unmapped.
    uint64_t translate(uint64_t va);

    // Calls fn(va, pte) for each present 4 KiB leaf in [start, end).  Missing tables are skipped
    // at their own level, so the cost is bounded by the tables present, not by the range
    // (mm/leaf_walk.hpp).  Adds the entries examined to *steps when given.
    template <typename Fn>
    void for_each_leaf(uint64_t start, uint64_t end, Fn fn, uint64_t* steps = nullptr) {
        auto to_table = [](uint64_t pa) { return static_cast<uint64_t*>(phys_to_virt(pa)); };
        walk_leaves(to_table(root_), start, end, to_table, fn, steps);
    }

    // Points this hierarchy's upper-half PML4 slots at the same tables as `kernel`, so kernel
    // mappings are shared by every address space.
    void share_kernel_half(const PageTable& kernel);

    // Frees every lower-half page table and, when free_frames, the frames they map (each through
    // release_user_frame: shared frames lose a reference, kernel-owned ones are left alone).
    void destroy_user_half(bool free_frames);
    // Frees the tables under PML4 slots [first, last) and the frames they map, and clears the
    // slots (an MPK domain's window in a shared root).
    void destroy_slots(unsigned first, unsigned last);
    // destroy_user_half(true), then the root itself; the hierarchy must not be live in CR3.
    void destroy();

  private:
    uint64_t root_ = 0;
    FrameAccount* account_ = nullptr;
};

// The kernel's own hierarchy (upper half only); built at boot by mm/kernel_map.cpp.
extern PageTable g_kernel_pt;

}  // namespace uk::mm
