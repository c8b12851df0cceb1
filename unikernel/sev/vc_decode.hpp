// Decoding the instruction behind a #VC (VMM communication exception, vector 29) for the cases
// this guest emulates through the GHCB: port I/O, CPUID, RDMSR and WRMSR.  Under SEV-ES and SNP
// the hypervisor cannot read the guest's registers or memory, so on an intercepted instruction
// the CPU raises #VC in the guest instead (APM vol 2 §15.35, SEV-ES), with the exit code as the
// error code; the handler decodes the instruction, passes exactly the registers it needs in the
// GHCB, copies back the results and advances RIP by the instruction's length.
//
// Deliberately small: 64-bit mode only, no string I/O (INS/OUTS need memory operands and
// repeat counts), no REP/LOCK/segment/REX prefixes; anything else is refused with a reason, and
// the handler treats a refusal as fatal.  The CPU reports the exit code; a decoded instruction
// whose kind does not match it is refused too (matches_exit_code).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::sev {

enum class VcKind : uint8_t { kIn, kOut, kCpuid, kRdmsr, kWrmsr };

struct VcInsn {
    VcKind kind;
    uint8_t length;   // bytes from RIP to the next instruction
    uint8_t io_size;  // I/O: operand size in bytes, 1, 2 or 4
    bool io_port_dx;  // I/O: port in DX (else the imm8 below)
    bool io_addr32;   // I/O: 0x67 prefix, 32-bit address size (else 64)
    uint8_t io_imm8;  // I/O: the immediate port
};

constexpr size_t kMaxInsnLength = 15;  // APM vol 3 §1.1: longest x86 instruction

// Decodes the instruction starting at bytes (available bytes readable there, at most 15 are
// looked at).  nullptr and *out filled on success, else the reason.
[[nodiscard]] const char* vc_decode(const uint8_t* bytes, size_t available, VcInsn* out);

// The exit code (#VC error code) the CPU reports for this instruction: IOIO 0x7B, CPUID 0x72,
// MSR 0x7C.
bool matches_exit_code(const VcInsn& insn, uint64_t exit_code);

// SW_EXITINFO1 for the IOIO event, in the SVM IOIO intercept format (APM vol 2 §15.10.2,
// "IN/OUT Intercept Information"): bit 0 TYPE (1 = IN), bit 2 STR and bit 3 REP clear,
// bits 4/5/6 SZ8/SZ16/SZ32, bits 7/8/9 A16/A32/A64, bits 12:10 segment (0: not a string op),
// bits 31:16 the port.  port is the imm8 or DX, as the instruction says.
uint64_t ioio_exit_info1(const VcInsn& insn, uint16_t port);

}  // namespace uk::sev
