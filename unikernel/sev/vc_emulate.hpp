// The logic of the #VC handler around one VMGEXIT, for the instructions vc_decode handles: what
// goes into the GHCB before the exit (vc_prepare) and what comes back into the registers after it
// (vc_complete).  What stays outside (the handler's assembly): reading the instruction bytes,
// writing the GHCB MSR, VMGEXIT, and mapping VcRegs onto the trap frame.
//
// Only what the event needs is exposed to the hypervisor (GHCB spec 56421 §4.1: the guest marks
// each register it provides in the valid bitmap, and the hypervisor must not rely on others),
// and nothing it returns is used unless it marked it valid:
//  - IOIO (exit 0x7B): OUT passes RAX masked to the operand size; IN takes RAX back and merges it
//    as the instruction would (AL/AX keep the upper bits, EAX zero-extends).
//  - CPUID (exit 0x72): RAX (leaf), RCX (sub-leaf) and XCR0; takes back RAX..RDX, zero-extended.
//    (An SNP guest should answer from its CPUID page instead; this is the SEV-ES path.)
//  - MSR (exit 0x7C): RCX, and for WRMSR EAX/EDX; EXITINFO1 0 = read, 1 = write.  RDMSR takes back
//    EAX/EDX, zero-extended.
#pragma once

#include <stdint.h>

#include "sev/vc_decode.hpp"

namespace uk::sev {

// The registers the handled instructions read or write.
struct VcRegs {
    uint64_t rax, rbx, rcx, rdx, rip;
};

// Fills the GHCB page (resets it first) for insn executed with regs.  xcr0 is the guest's XCR0
// (1, its reset value, when CR4.OSXSAVE is off), which the hypervisor needs for CPUID leaf 0xD.
void vc_prepare(const VcInsn& insn, const VcRegs& regs, uint64_t xcr0, uint8_t* ghcb_page);

// After VMGEXIT: nullptr and regs updated (results, RIP past the instruction); else the reason
// (the hypervisor reported an error, or did not return a register the instruction writes), with
// regs unchanged.
[[nodiscard]] const char* vc_complete(const VcInsn& insn, const uint8_t* ghcb_page, VcRegs* regs);

}  // namespace uk::sev
