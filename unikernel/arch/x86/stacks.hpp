// Kernel stacks defined in entry.S.  Each has an unmapped guard page right below its bottom.
#pragma once

#include <stdint.h>

extern "C" {
extern uint8_t uk_kernel_stack_guard[];  // guard page; the stack is [guard+4096, top)
extern uint8_t uk_kernel_stack_top[];    // RSP0 and the syscall stack
extern uint8_t uk_ist_stacks[];          // the IST stacks (arch/x86/ist.hpp), kIstStacks slots
extern uint8_t uk_ist_stacks_end[];
}

namespace uk::x86 {

// Layout of uk_ist_stacks (entry.S must agree): slot i (IST index i + 1) is [guard page][stack].
constexpr uint64_t kIstStackGuard = 4096;
constexpr uint64_t kIstStackSize = 8192;
constexpr uint64_t kIstStackSlot = kIstStackGuard + kIstStackSize;

// The stack top loaded into TSS.IST[ist - 1] (ist 1..kIstStacks).
inline uint64_t ist_stack_top(unsigned ist) {
    return reinterpret_cast<uint64_t>(uk_ist_stacks) + uint64_t(ist) * kIstStackSlot;
}

// True for the guard page of an IST stack slot (left unmapped by mm/kernel_map.cpp).
inline bool is_ist_stack_guard(uint64_t va) {
    uint64_t base = reinterpret_cast<uint64_t>(uk_ist_stacks);
    uint64_t end = reinterpret_cast<uint64_t>(uk_ist_stacks_end);
    return va >= base && va < end && (va - base) % kIstStackSlot == 0;
}

}  // namespace uk::x86
