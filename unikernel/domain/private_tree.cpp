#include "domain/private_tree.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"
#include "arch/x86/tlb.hpp"
#include "domain/domain.hpp"
#include "lib/string.hpp"
#include "libos-abi/enclave_abi.h"
#include "mm/charged_frames.hpp"
#include "mm/layout.hpp"
#include "mm/page_table.hpp"

namespace uk::domain {
namespace {

// PML4 slot 508 of the kernel half: clear of the direct map (256..), the xAPIC page (510) and the
// kernel image (511).
constexpr uint64_t kWindowVa = 0xFFFF'FE00'0000'0000ull;
constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t kTableFlags = mm::kPtePresent | mm::kPteWrite;

uint64_t g_slot_bytes = 0;  // 0: no window (not a persistent enclave)

uint64_t* table_at(uint64_t pa) {
    return static_cast<uint64_t*>(mm::phys_to_virt(pa));
}

unsigned index_at(uint64_t va, int level) {
    return unsigned(va >> (12 + 9 * level)) & 0x1FF;
}

// The page directory entry that maps the 2 MiB of `va` (its directory was made at boot).
uint64_t& pd_entry(uint64_t va) {
    uint64_t* pml4 = table_at(mm::g_kernel_pt.root());
    uint64_t* pdpt = table_at(pml4[index_at(va, 3)] & mm::kPteAddrMask);
    uint64_t* pd = table_at(pdpt[index_at(va, 2)] & mm::kPteAddrMask);
    return pd[index_at(va, 1)];
}

uint64_t window_of(uint32_t id) {
    return kWindowVa + uint64_t(id) * g_slot_bytes;
}

}  // namespace

const char* tree_window_init(uint64_t max_image) {
    g_slot_bytes = (max_image + mm::kLargePageSize - 1) & ~(mm::kLargePageSize - 1);
    if (g_slot_bytes == 0) g_slot_bytes = mm::kLargePageSize;
    uint64_t total = g_slot_bytes * ER_MAX_DOMAINS;
    if (total > 512 * kGiB) return "boot: the staging area is too large for the tree window";
    uint64_t* pml4 = table_at(mm::g_kernel_pt.root());
    uint64_t& pml4e = pml4[index_at(kWindowVa, 3)];
    if (pml4e != 0) return "boot: the tree window's PML4 slot is taken";
    uint64_t pdpt = mm::alloc_charged(nullptr);
    if (pdpt == 0) return "boot: out of memory for the tree window";
    pml4e = pdpt | kTableFlags;
    for (uint64_t va = kWindowVa; va < kWindowVa + total; va += kGiB) {
        uint64_t pd = mm::alloc_charged(nullptr);
        if (pd == 0) return "boot: out of memory for the tree window";
        table_at(pdpt)[index_at(va, 2)] = pd | kTableFlags;
    }
    return nullptr;
}

const char* tree_copy_in(Domain& d, const void* src, uint64_t size) {
    d.tree = nullptr;
    d.tree_size = 0;
    if (g_slot_bytes == 0) return "no tree window (not a persistent enclave)";
    if (size == 0 || size > g_slot_bytes) return "the er-fs image is larger than the staging area";
    if (!x86::g_cpu.pge) return "no PGE on this CPU: the tree window could not be flushed";
    uint64_t base = window_of(d.id);
    const auto* from = static_cast<const uint8_t*>(src);
    d.tree_size = size;  // tree_release frees what is mapped, however far this got
    for (uint64_t off = 0; off < size; off += mm::kPageSize) {
        uint64_t va = base + off;
        uint64_t& pde = pd_entry(va);
        if (!(pde & mm::kPtePresent)) {
            uint64_t pt = mm::alloc_charged(&d.account);
            if (pt == 0) {
                tree_release(d);
                return "out of memory (or over its limit) for the domain's er-fs tree";
            }
            pde = pt | kTableFlags;
        }
        uint64_t pa = mm::alloc_charged(&d.account);
        if (pa == 0) {
            tree_release(d);
            return "out of memory (or over its limit) for the domain's er-fs tree";
        }
        uint64_t n = size - off < mm::kPageSize ? size - off : mm::kPageSize;
        memcpy(mm::phys_to_virt(pa), from + off, n);  // the one read of the staged bytes
        table_at(pde & mm::kPteAddrMask)[index_at(va, 0)] =
            pa | mm::kPtePresent | mm::kPteNx;  // read-only, supervisor, never executable
    }
    d.tree = reinterpret_cast<const void*>(base);
    return nullptr;
}

void tree_release(Domain& d) {
    if (d.tree_size == 0 || g_slot_bytes == 0) return;
    uint64_t base = window_of(d.id);
    for (uint64_t chunk = base; chunk < base + d.tree_size; chunk += mm::kLargePageSize) {
        uint64_t& pde = pd_entry(chunk);
        if (!(pde & mm::kPtePresent)) continue;
        uint64_t* pt = table_at(pde & mm::kPteAddrMask);
        for (unsigned i = 0; i < 512; i++) {
            if (pt[i] & mm::kPtePresent) mm::free_charged(&d.account, pt[i] & mm::kPteAddrMask);
            pt[i] = 0;
        }
        mm::free_charged(&d.account, pde & mm::kPteAddrMask);
        pde = 0;
    }
    x86::flush_all_tlbs();  // the freed tables and frames may be anyone's next
    d.tree = nullptr;
    d.tree_size = 0;
}

}  // namespace uk::domain
