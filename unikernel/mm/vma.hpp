// The bookkeeping half of an address space: which user ranges are mapped with which rights.
// A sorted, fixed-capacity array (no allocation); neighbours with equal rights are merged so
// brk growth and sequential mmaps do not use up slots.  Pure logic, unit-tested on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::mm {

// Same values as Linux PROT_*.
enum Prot : uint32_t { kProtNone = 0, kProtRead = 1, kProtWrite = 2, kProtExec = 4 };

struct Vma {
    uint64_t start;     // page aligned
    uint64_t end;       // page aligned, exclusive
    uint32_t prot;      // current rights (Prot bits)
    uint32_t max_prot;  // what mprotect may ever grant: executable code can never become
                        // writable and data can never become executable (docs/syscalls.md)
};

// Why a range is not covered with a right (VmaSet::first_denied).
enum class Denial : uint8_t { none, gap, protection };

class VmaSet {
  public:
    static constexpr size_t kMaxVmas = 256;

    size_t size() const { return count_; }
    void clear() { count_ = 0; }
    const Vma& at(size_t i) const { return vmas_[i]; }

    // The VMA containing addr, or nullptr.
    const Vma* find(uint64_t addr) const;
    // True when any VMA intersects [start, end).
    bool overlaps(uint64_t start, uint64_t end) const;
    // True when [start, end) is covered without holes by VMAs whose prot includes `need`.
    bool covers(uint64_t start, uint64_t end, uint32_t need) const;
    // The first reason [start, end) is not covered by VMAs whose prot includes `need`, and where
    // (*at): the first hole, or the start of the first part in a VMA lacking `need`.  none (and
    // *at = end) when covered.  O(number of VMAs), whatever the length of the range.
    Denial first_denied(uint64_t start, uint64_t end, uint32_t need, uint64_t* at) const;
    // True when [start, end) is covered and every VMA's max_prot includes `prot`.
    bool allows(uint64_t start, uint64_t end, uint32_t prot) const;

    // Adds a VMA over a free range.  False when it overlaps or the set is full.
    bool insert(const Vma& vma);
    // Removes [start, end) from every VMA (splitting as needed).  False, with nothing changed,
    // when a split would need more slots than remain.
    bool remove(uint64_t start, uint64_t end);
    // Sets prot over [start, end), which must be covered.  False, nothing changed, when full.
    bool protect(uint64_t start, uint64_t end, uint32_t prot);

    // Highest page-aligned start s with [s, s + size) free and inside [floor, ceiling), or 0.
    uint64_t find_free_top_down(uint64_t size, uint64_t floor, uint64_t ceiling) const;

  private:
    size_t lower_bound(uint64_t addr) const;  // first index with end > addr
    bool insert_at(size_t i, const Vma& vma);
    void erase_at(size_t i);
    void merge_around(size_t i);
    void merge_all();
    size_t splits_needed(uint64_t start, uint64_t end) const;

    Vma vmas_[kMaxVmas];
    size_t count_ = 0;
};

}  // namespace uk::mm
