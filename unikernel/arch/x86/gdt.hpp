// Segments: the GDT (in the order SYSCALL/SYSRET require) and the one TSS (RSP0 for traps from
// user mode, IST1-4 for the exceptions that must not trust the current stack).
#pragma once

#include <stdint.h>

namespace uk::x86 {

constexpr uint16_t kKernelCs = 0x08;
constexpr uint16_t kKernelDs = 0x10;
// 0x18 is the (unused, null) 32-bit user code slot SYSRET's STAR layout expects before these.
constexpr uint16_t kUserDs = 0x20 | 3;
constexpr uint16_t kUserCs = 0x28 | 3;
constexpr uint16_t kTssSel = 0x30;
constexpr uint16_t kStarSysretBase = 0x18;  // SYSRET: CS = base + 16, SS = base + 8

// The IST slots: arch/x86/ist.hpp.

// Loads the GDT, reloads every segment register and loads the TSS.
void init_gdt_and_tss();

// Stack the CPU switches to on a trap from CPL3.
void set_kernel_stack(uint64_t rsp0);

}  // namespace uk::x86
