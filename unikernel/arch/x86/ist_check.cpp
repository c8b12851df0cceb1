// Boot self-check of the IST set-up (arch/x86/ist.hpp): reads the IDT and TSS the CPU really
// uses (SIDT, SGDT, STR) and panics unless #DB, NMI, #DF and #MC each have their IST slot, each
// slot points at its own stack, and the guard page below each stack is unmapped.  The
// MOV SS + SYSCALL #DB cannot be provoked under emulation (docs/threat-model.md), so the set-up
// it depends on is checked on every boot instead.
#include "arch/x86/ist_check.hpp"

#include "arch/x86/ist.hpp"
#include "arch/x86/stacks.hpp"
#include "lib/panic.hpp"
#include "mm/page_table.hpp"

namespace uk::x86 {
namespace {

struct __attribute__((packed)) TablePointer {
    uint16_t limit;
    uint64_t base;
};

TablePointer sidt() {
    TablePointer p;
    asm volatile("sidt %0" : "=m"(p));
    return p;
}

TablePointer sgdt() {
    TablePointer p;
    asm volatile("sgdt %0" : "=m"(p));
    return p;
}

uint16_t str() {
    uint16_t sel;
    asm volatile("str %0" : "=r"(sel));
    return sel;
}

}  // namespace

void check_ist_setup() {
    TablePointer idt = sidt();
    const auto* gates = reinterpret_cast<const uint8_t*>(idt.base);
    constexpr unsigned kVectors[] = {1, 2, 8, 18};
    for (unsigned v : kVectors) {
        uint8_t ist = gates[v * 16 + 4] & 7;  // the gate's IST field
        if (ist == 0 || ist != ist_for_vector(v)) panic("boot check: an IST vector has no IST");
    }
    // The TSS descriptor (16 bytes) at the task register's selector; IST1 sits at offset 36.
    const auto* gdt = reinterpret_cast<const uint64_t*>(sgdt().base);
    uint16_t sel = str();
    uint64_t lo = gdt[sel / 8], hi = gdt[sel / 8 + 1];
    uint64_t tss = ((lo >> 16) & 0xFFFFFF) | (((lo >> 56) & 0xFF) << 24) | (hi << 32);
    uint64_t tops[kIstStacks];
    for (unsigned i = 0; i < kIstStacks; i++) {
        tops[i] = *reinterpret_cast<const uint64_t*>(tss + 36 + 8 * i);
        if (tops[i] != ist_stack_top(i + 1)) panic("boot check: an IST slot has the wrong stack");
        for (unsigned j = 0; j < i; j++) {
            if (tops[j] == tops[i]) panic("boot check: two IST slots share a stack");
        }
        uint64_t guard = tops[i] - kIstStackSize - kIstStackGuard;
        if (!is_ist_stack_guard(guard) || mm::g_kernel_pt.translate(guard) != ~0ull)
            panic("boot check: an IST stack has no guard page");
    }
}

}  // namespace uk::x86
