#include "task/kernel_stack.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"
#include "arch/x86/tlb.hpp"
#include "mm/charged_frames.hpp"
#include "mm/layout.hpp"
#include "mm/page_table.hpp"
#include "task/limits.hpp"

namespace uk::task {
namespace {

// PML4 slot 507: clear of the direct map (256..), the tree window (508), the xAPIC page (510)
// and the kernel image (511).
constexpr uint64_t kWindowVa = 0xFFFF'FD80'0000'0000ull;
constexpr uint64_t kWindowBytes = uint64_t(kMaxTasks) * kStackSlotBytes;
constexpr uint64_t kTableFlags = mm::kPtePresent | mm::kPteWrite;
static_assert(kWindowBytes <= (1ull << 30), "the window fits one page directory");
static_assert((kStackPages + 2) * 4096 == kStackSlotBytes, "guard, stack, spare page");

uint64_t* g_pts[kWindowBytes / mm::kLargePageSize];  // the window's page tables (kernel frames)
bool g_ready = false;

uint64_t* table_at(uint64_t pa) {
    return static_cast<uint64_t*>(mm::phys_to_virt(pa));
}

unsigned index_at(uint64_t va, int level) {
    return unsigned(va >> (12 + 9 * level)) & 0x1FF;
}

uint64_t& pte(uint64_t va) {
    return g_pts[(va - kWindowVa) / mm::kLargePageSize][index_at(va, 0)];
}

uint64_t slot_base(uint32_t slot) {
    return kWindowVa + uint64_t(slot) * kStackSlotBytes;
}

}  // namespace

const char* stack_window_init() {
    uint64_t* pml4 = table_at(mm::g_kernel_pt.root());
    uint64_t& pml4e = pml4[index_at(kWindowVa, 3)];
    if (pml4e != 0) return "boot: the task stack window's PML4 slot is taken";
    uint64_t pdpt = mm::alloc_charged(nullptr);
    uint64_t pd = pdpt != 0 ? mm::alloc_charged(nullptr) : 0;
    if (pd == 0) return "boot: out of memory for the task stack window";
    pml4e = pdpt | kTableFlags;
    table_at(pdpt)[index_at(kWindowVa, 2)] = pd | kTableFlags;
    for (uint64_t i = 0; i < sizeof g_pts / sizeof g_pts[0]; i++) {
        uint64_t pt = mm::alloc_charged(nullptr);
        if (pt == 0) return "boot: out of memory for the task stack window";
        table_at(pd)[index_at(kWindowVa + i * mm::kLargePageSize, 1)] = pt | kTableFlags;
        g_pts[i] = table_at(pt);
    }
    g_ready = true;
    return nullptr;
}

uint64_t stack_map(uint32_t slot, mm::FrameAccount* account) {
    if (!g_ready || slot >= kMaxTasks) return 0;
    uint64_t first = slot_base(slot) + 4096;  // above the guard page
    for (uint64_t i = 0; i < kStackPages; i++) {
        uint64_t pa = mm::alloc_charged(account);
        if (pa == 0) {
            stack_unmap(slot, account);
            return 0;
        }
        pte(first + i * 4096) = pa | mm::kPtePresent | mm::kPteWrite | mm::kPteNx;
    }
    return first + kStackPages * 4096;
}

void stack_unmap(uint32_t slot, mm::FrameAccount* account) {
    if (!g_ready || slot >= kMaxTasks) return;
    uint64_t first = slot_base(slot) + 4096;
    bool any = false;
    for (uint64_t i = 0; i < kStackPages; i++) {
        uint64_t& e = pte(first + i * 4096);
        if (!(e & mm::kPtePresent)) continue;
        mm::free_charged(account, e & mm::kPteAddrMask);
        e = 0;
        any = true;
    }
    // A freed stack's frames may be anyone's next: no translation of them may survive.
    if (any) x86::flush_all_tlbs();
}

bool is_stack_guard(uint64_t va) {
    if (va < kWindowVa || va >= kWindowVa + kWindowBytes) return false;
    uint64_t page = (va - kWindowVa) % kStackSlotBytes / 4096;
    return page == 0 || page == kStackPages + 1;
}

}  // namespace uk::task
