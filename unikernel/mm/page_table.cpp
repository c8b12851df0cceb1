#include "mm/page_table.hpp"

#include "arch/x86/cpu.hpp"
#include "mm/charged_frames.hpp"
#include "mm/frame_refs.hpp"
#include "mm/layout.hpp"

namespace uk::mm {

PageTable g_kernel_pt;

namespace {

inline uint64_t* table_at(uint64_t pa) {
    return static_cast<uint64_t*>(phys_to_virt(pa));
}

inline unsigned index_at(uint64_t va, int level) {
    return (va >> (12 + 9 * level)) & 0x1FF;
}

// Intermediate entries grant everything; the leaf decides.  The user bit is only set on the lower
// half, so no upper-half table can ever be reached from CPL3.
inline uint64_t table_flags(uint64_t va) {
    return kPtePresent | kPteWrite | (va < (1ull << 47) ? kPteUser : 0);
}

inline bool is_current(uint64_t root) {
    return (x86::read_cr3() & kPteAddrMask) == root;
}

// Walks down to the table at `stop_level` (0 = PT, 1 = PD) and returns its entry for va.
uint64_t* walk_to(uint64_t root, FrameAccount* account, uint64_t va, int stop_level, bool create) {
    uint64_t* table = table_at(root);
    for (int level = 3; level > stop_level; level--) {
        uint64_t& entry = table[index_at(va, level)];
        if (!(entry & kPtePresent)) {
            if (!create) return nullptr;
            uint64_t pa = alloc_charged(account);
            if (pa == 0) return nullptr;
            entry = pa | table_flags(va);
        } else if (entry & kPteHuge) {
            return nullptr;
        }
        table = table_at(entry & kPteAddrMask);
    }
    return &table[index_at(va, stop_level)];
}

void free_table(FrameAccount* account, uint64_t pa, int level, bool free_frames) {
    uint64_t* table = table_at(pa);
    for (unsigned i = 0; i < 512; i++) {
        uint64_t e = table[i];
        if (!(e & kPtePresent)) continue;
        if (level == 0) {
            if (free_frames) release_user_frame(account, e);
        } else if (!(e & kPteHuge)) {
            free_table(account, e & kPteAddrMask, level - 1, free_frames);
        }
    }
    free_charged(account, pa);
}

}  // namespace

PageTable PageTable::create(FrameAccount* account) {
    PageTable pt(alloc_charged(account));
    pt.account_ = account;
    return pt;
}

PageTable PageTable::view(uint64_t root_pa, FrameAccount* account) {
    PageTable pt(root_pa);
    pt.account_ = account;
    return pt;
}

uint64_t* PageTable::walk(uint64_t va, bool create) {
    return walk_to(root_, account_, va, 0, create);
}

MapResult PageTable::map(uint64_t va, uint64_t pa, uint64_t flags) {
    uint64_t* pte = walk(va, true);
    if (pte == nullptr) return MapResult::out_of_memory;
    if (*pte & kPtePresent) return MapResult::already_mapped;
    *pte = (pa & kPteAddrMask) | flags | kPtePresent;
    return MapResult::ok;
}

MapResult PageTable::map_large(uint64_t va, uint64_t pa, uint64_t flags) {
    uint64_t* pde = walk_to(root_, account_, va, 1, true);
    if (pde == nullptr) return MapResult::out_of_memory;
    if (*pde & kPtePresent) return MapResult::already_mapped;
    *pde = (pa & kPteAddrMask) | flags | kPtePresent | kPteHuge;
    return MapResult::ok;
}

uint64_t PageTable::unmap(uint64_t va) {
    uint64_t* pte = walk(va, false);
    if (pte == nullptr || *pte == 0) return 0;
    uint64_t old = *pte;
    *pte = 0;
    if (is_current(root_)) x86::invlpg(va);
    return old;
}

void PageTable::protect(uint64_t va, uint64_t flags) {
    uint64_t* pte = walk(va, false);
    if (pte == nullptr || !(*pte & kPtePresent)) return;
    *pte = (*pte & kPteAddrMask) | flags | kPtePresent;
    if (is_current(root_)) x86::invlpg(va);
}

uint64_t PageTable::translate(uint64_t va) {
    uint64_t* pte = walk(va, false);
    if (pte == nullptr || !(*pte & kPtePresent)) return ~0ull;
    return (*pte & kPteAddrMask) | (va & 0xFFF);
}

void PageTable::share_kernel_half(const PageTable& kernel) {
    uint64_t* mine = table_at(root_);
    const uint64_t* theirs = table_at(kernel.root_);
    for (unsigned i = 256; i < 512; i++) mine[i] = theirs[i];
}

void PageTable::destroy_user_half(bool free_frames) {
    uint64_t* pml4 = table_at(root_);
    for (unsigned i = 0; i < 256; i++) {
        if (pml4[i] & kPtePresent) free_table(account_, pml4[i] & kPteAddrMask, 2, free_frames);
        pml4[i] = 0;
    }
}

void PageTable::destroy_slots(unsigned first, unsigned last) {
    uint64_t* pml4 = table_at(root_);
    for (unsigned i = first; i < last && i < 256; i++) {
        if (pml4[i] & kPtePresent) free_table(account_, pml4[i] & kPteAddrMask, 2, true);
        pml4[i] = 0;
    }
}

void PageTable::destroy() {
    if (root_ == 0) return;
    destroy_user_half(true);
    free_charged(account_, root_);
    root_ = 0;
}

}  // namespace uk::mm
