#include "arch/x86/idt.hpp"

#include <stdint.h>

#include "arch/x86/gdt.hpp"
#include "arch/x86/ist.hpp"

extern "C" const uint64_t uk_trap_stubs[256];

namespace uk::x86 {
namespace {

struct __attribute__((packed)) Gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};
static_assert(sizeof(Gate) == 16);

struct __attribute__((packed)) IdtPointer {
    uint16_t limit;
    uint64_t base;
};

alignas(16) Gate g_idt[256];

constexpr uint8_t kInterruptGate = 0x8E;      // present, DPL0, 64-bit interrupt gate (IF cleared)
constexpr uint8_t kUserInterruptGate = 0xEE;  // DPL3: reachable by `int3` / `into` from apps

}  // namespace

void init_idt() {
    for (unsigned v = 0; v < 256; v++) {
        uint64_t off = uk_trap_stubs[v];
        Gate& g = g_idt[v];
        g.offset_lo = uint16_t(off);
        g.selector = kKernelCs;
        g.ist = ist_for_vector(v);
        // Breakpoint and overflow must be DPL3 so `int3`/`into` in an app report SIGTRAP/SIGSEGV
        // like Linux, instead of a #GP.
        g.type_attr = (v == 3 || v == 4) ? kUserInterruptGate : kInterruptGate;
        g.offset_mid = uint16_t(off >> 16);
        g.offset_hi = uint32_t(off >> 32);
        g.reserved = 0;
    }
    IdtPointer idtr{sizeof(g_idt) - 1, reinterpret_cast<uint64_t>(g_idt)};
    asm volatile("lidt %0" ::"m"(idtr));
}

}  // namespace uk::x86
