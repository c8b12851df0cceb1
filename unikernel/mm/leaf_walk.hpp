// The one walker over the 4 KiB leaves of a virtual range in a 4-level hierarchy.  It descends
// only into tables that exist and skips a missing entry at its own level: 512 GiB for a PML4
// slot, 1 GiB for a PDPT entry, 2 MiB for a PD entry.  Its cost is therefore bounded by the
// tables really present, never by the length of the range: munmap, mprotect and madvise over
// 100 TiB of mostly empty space cost a few hundred steps, not millions of page walks, while
// every syscall runs with interrupts off (docs/threat-model.md "Bounded kernel work").
// Pure logic over a table accessor, so the host unit tests run it on tables in ordinary memory.
#pragma once

#include <stdint.h>

namespace uk::mm {

constexpr uint64_t kWalkPresent = 1ull << 0;
constexpr uint64_t kWalkHuge = 1ull << 7;
constexpr uint64_t kWalkAddrMask = 0x000F'FFFF'FFFF'F000ull;

// Calls fn(va, entry*) for each present 4 KiB leaf in [start, end) (start page aligned).
// to_table(pa) returns the table at physical address pa.  Large leaves (2 MiB, 1 GiB) are not
// descended into: user memory only uses 4 KiB pages.  Adds one to *steps per entry examined.
template <typename ToTable, typename Fn>
void walk_leaves(uint64_t* table, int level, uint64_t start, uint64_t end, ToTable to_table, Fn& fn,
                 uint64_t* steps) {
    const int shift = 12 + 9 * level;
    const uint64_t span = 1ull << shift;
    uint64_t va = start;
    while (va < end) {
        uint64_t& e = table[(va >> shift) & 0x1FF];
        uint64_t next = (va & ~(span - 1)) + span;  // start of the next entry's span
        if (steps != nullptr) ++*steps;
        if (e & kWalkPresent) {
            if (level == 0) {
                fn(va, &e);
            } else if (!(e & kWalkHuge)) {
                uint64_t sub_end = next < end && next != 0 ? next : end;
                walk_leaves(to_table(e & kWalkAddrMask), level - 1, va, sub_end, to_table, fn,
                            steps);
            }
        }
        if (next == 0 || next <= va) break;  // wrapped past the top of the address space
        va = next;
    }
}

template <typename ToTable, typename Fn>
void walk_leaves(uint64_t* pml4, uint64_t start, uint64_t end, ToTable to_table, Fn fn,
                 uint64_t* steps = nullptr) {
    walk_leaves(pml4, 3, start, end, to_table, fn, steps);
}

}  // namespace uk::mm
