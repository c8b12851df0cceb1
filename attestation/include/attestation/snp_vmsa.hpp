// The 4 KiB VMSA page (VMCB save area of a SEV-ES/SNP vCPU) as KVM writes it before the PSP
// measures it. The launch digest hashes this page, so a measurement calculator must rebuild it
// byte for byte from the vCPU state the launcher sets (KVM_SET_SREGS/REGS/XCRS/FPU) plus what
// KVM itself adds (EFER.SVME, and since KVM_SEV_INIT2 the MXCSR/FCW reset values).
// Offsets: AMD APM vol. 2, appendix B "Layout of VMCB", table B-4 (state save area, SEV-ES).
#pragma once

#include <array>
#include <cstdint>

namespace er::attest {

struct VmsaSegment {
    std::uint16_t selector = 0;
    std::uint16_t attrib = 0;  // VMCB compressed form: type/S/DPL/P in 7:0, AVL/L/DB/G in 11:8
    std::uint32_t limit = 0;
    std::uint64_t base = 0;
};

// The fields a freshly launched vCPU can have non-zero; everything else in the page is zero.
struct VmsaState {
    VmsaSegment es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
    std::uint8_t vmpl = 0;
    std::uint8_t cpl = 0;
    std::uint64_t efer = 0;
    std::uint64_t cr4 = 0;
    std::uint64_t cr3 = 0;
    std::uint64_t cr0 = 0;
    std::uint64_t dr7 = 0;
    std::uint64_t dr6 = 0;
    std::uint64_t rflags = 0;
    std::uint64_t rip = 0;
    std::uint64_t rsp = 0;
    std::uint64_t rax = 0;
    std::uint64_t rcx = 0;
    std::uint64_t rdx = 0;
    std::uint64_t rbx = 0;
    std::uint64_t rbp = 0;
    std::uint64_t rsi = 0;
    std::uint64_t rdi = 0;
    std::uint64_t g_pat = 0;
    std::uint64_t sev_features = 0;
    std::uint64_t xcr0 = 0;
    std::uint32_t mxcsr = 0;
    std::uint16_t x87_fcw = 0;
};

using VmsaPage = std::array<std::uint8_t, 4096>;

VmsaPage build_vmsa(const VmsaState& state);

}  // namespace er::attest
