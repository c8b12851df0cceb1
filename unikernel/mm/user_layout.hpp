// Where a domain's user memory goes.  A page-table domain has the whole lower half to itself and
// uses Linux's layout (mm/layout.hpp); an MPK domain shares one address space with up to 14
// others and gets a 4 TiB window of its own, chosen by its protection key (docs/mpk.md "Layout").
// Every user address the kernel accepts from a domain is checked against its window, so no
// mmap/munmap/mprotect/madvise of one domain can reach into another's part of a shared space.
#pragma once

#include <stdint.h>

#include "mm/layout.hpp"

namespace uk::mm {

struct UserLayout {
    uint64_t lo;         // lowest address the domain may map
    uint64_t hi;         // one past the highest
    uint64_t pie_bias;   // where a static PIE is loaded
    uint64_t brk_limit;  // the heap never grows past this (the mmap area starts above)
    uint64_t mmap_base;  // anonymous mmap searches top-down from here
    uint64_t stack_top;  // the initial stack ends here (a guard page above it)

    bool contains(uint64_t start, uint64_t end) const {
        return start >= lo && end >= start && end <= hi;
    }
};

// The whole lower half, as a Linux process without ASLR sees it.
constexpr UserLayout whole_user_layout() {
    return UserLayout{kUserMin,          kUserEnd,  kPieLoadBias,
                      ER_USER_BRK_LIMIT, kMmapBase, kUserStackTop};
}

// 4 TiB per key: eight PML4 slots, so every page table below the shared root belongs to exactly
// one window (and one domain), and is charged to it and freed with it.
constexpr unsigned kMpkWindowShift = ER_MPK_WINDOW_SHIFT;
constexpr uint64_t kMpkWindowSize = 1ull << kMpkWindowShift;

// The window of protection key `key` (1..15): [key * 4 TiB, (key + 1) * 4 TiB).  Inside it, the
// same shape as Linux's layout scaled down: image 4 GiB in, heap above it, mmap area from 64 GiB
// below the top, stack at the top under a guard page; the window's first 4 GiB and the page
// above the stack stay unmapped, so no domain's memory touches the next one's.
constexpr UserLayout mpk_window(unsigned key) {
    uint64_t lo = uint64_t(key) << kMpkWindowShift;
    uint64_t hi = lo + kMpkWindowSize;
    uint64_t mmap_base = hi - ER_MPK_MMAP_FROM_TOP;
    return UserLayout{
        lo,        hi - kPageSize,    lo + ER_MPK_IMAGE_OFFSET, mmap_base - ER_HEAP_GAP,
        mmap_base, hi - 2 * kPageSize};
}

static_assert(mpk_window(1).brk_limit - mpk_window(1).pie_bias == ER_MPK_IMAGE_MAX,
              "the launcher's MPK image limit is this window's");

static_assert(mpk_window(15).hi <= kUserEnd, "every key's window lies in the lower half");
static_assert(mpk_window(1).lo > whole_user_layout().lo, "window 0 (key 0) is never used");

}  // namespace uk::mm
