#include "mm/kernel_map.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"
#include "arch/x86/stacks.hpp"
#include "mm/layout.hpp"
#include "mm/page_table.hpp"

extern "C" {
extern uint8_t __kernel_start[];
extern uint8_t __text_end[];
extern uint8_t __rodata_end[];
extern uint8_t __kernel_end[];
}

namespace uk::mm {

uint64_t g_phys_window = ER_KERNEL_VBASE;

namespace {

bool map_kernel_range(uint64_t start, uint64_t end, uint64_t flags) {
    for (uint64_t va = start; va < end; va += kPageSize) {
        if (va == reinterpret_cast<uint64_t>(uk_kernel_stack_guard) ||
            x86::is_ist_stack_guard(va)) {
            continue;  // guard pages stay unmapped
        }
        if (g_kernel_pt.map(va, va - ER_KERNEL_VBASE, flags) != MapResult::ok) return false;
    }
    return true;
}

bool map_direct(uint64_t mem_size) {
    uint64_t flags = kPteWrite | kPteNx | kPteGlobal;
    uint64_t pa = 0;
    for (; pa + kLargePageSize <= mem_size; pa += kLargePageSize) {
        if (g_kernel_pt.map_large(ER_DIRECT_MAP_VBASE + pa, pa, flags) != MapResult::ok)
            return false;
    }
    for (; pa + kPageSize <= mem_size; pa += kPageSize) {
        if (g_kernel_pt.map(ER_DIRECT_MAP_VBASE + pa, pa, flags) != MapResult::ok) return false;
    }
    return true;
}

}  // namespace

const char* build_kernel_map(uint64_t mem_size) {
    g_kernel_pt = PageTable::create();
    if (g_kernel_pt.root() == 0) return "out of memory for kernel page tables";
    // Global entries survive CR3 switches between domains; without PGE the bit is ignored.
    uint64_t g = x86::g_cpu.pge ? kPteGlobal : 0;
    auto text = reinterpret_cast<uint64_t>(__kernel_start);
    auto rodata = reinterpret_cast<uint64_t>(__text_end);
    auto data = reinterpret_cast<uint64_t>(__rodata_end);
    auto end = reinterpret_cast<uint64_t>(__kernel_end);
    if (!map_kernel_range(text, rodata, g) || !map_kernel_range(rodata, data, kPteNx | g) ||
        !map_kernel_range(data, end, kPteWrite | kPteNx | g) || !map_direct(mem_size)) {
        return "out of memory for kernel page tables";
    }
    x86::write_cr3(g_kernel_pt.root());
    g_phys_window = ER_DIRECT_MAP_VBASE;
    return nullptr;
}

}  // namespace uk::mm
