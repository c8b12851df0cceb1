// si_code and si_addr of the signal a CPU exception in user mode raises, as Linux's traps.c
// sends them (page faults are told apart by domain/faults.cpp: SEGV_MAPERR/ACCERR/PKUERR).
#pragma once

#include <stdint.h>

#include "signal/sigset.hpp"

namespace uk::signal {

struct FaultCode {
    int32_t code;
    uint64_t addr;
};

constexpr FaultCode fault_code(uint64_t vector, uint64_t rip) {
    switch (vector) {
        case 0:
            return {kFpeIntdiv, rip};  // #DE
        case 1:
            return {kTrapTrace, rip};  // #DB: single step
        case 6:
            return {kIllIllopn, rip};  // #UD
        case 16:
        case 19:
            return {kFpeFltinv, rip};  // #MF, #XM (the exact FPE_* cause is not decoded)
        case 17:
            return {kBusAdraln, 0};  // #AC
        default:
            return {kSiKernel, 0};  // #GP, int3, into, bound, #NP, #SS, #CP: SI_KERNEL
    }
}

}  // namespace uk::signal
