// Which exceptions run on an Interrupt Stack Table stack, and which one.  These four can arrive
// where the current stack cannot be trusted: #DB at the first instruction of the SYSCALL entry
// (MOV SS/POP SS + SYSCALL delivers it there, at CPL0, with the app's RSP still loaded), NMI and
// #MC at any instruction (also in that window and in the one before SYSRET), #DF after a kernel
// stack overflow.  Each has a stack of its own, so one nesting inside another (#MC during an NMI,
// #DB in an NMI handler) never overwrites the frame of the first.  Pure constants: the host unit
// tests check them, and the kernel checks the loaded IDT and TSS against them at boot
// (arch/x86/ist_check.cpp).
#pragma once

#include <stdint.h>

namespace uk::x86 {

constexpr uint8_t kIstDebug = 1;    // #DB (vector 1)
constexpr uint8_t kIstNmi = 2;      // NMI (vector 2)
constexpr uint8_t kIstDouble = 3;   // #DF (vector 8)
constexpr uint8_t kIstMachine = 4;  // #MC (vector 18)
constexpr unsigned kIstStacks = 4;  // slots 1..4 of the TSS's seven are used

// The IST slot of an IDT vector (0: the current stack, or RSP0 on a trap from CPL3).
constexpr uint8_t ist_for_vector(unsigned vector) {
    switch (vector) {
        case 1:
            return kIstDebug;
        case 2:
            return kIstNmi;
        case 8:
            return kIstDouble;
        case 18:
            return kIstMachine;
        default:
            return 0;
    }
}

}  // namespace uk::x86
