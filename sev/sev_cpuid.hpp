// CPUID Fn8000_001F (AMD memory encryption): what the CPU itself offers for SEV, decoded from
// the four register values.  Pure; reading the host's CPUID is host_probe.cpp's job.
// Bits (AMD APM vol. 3, CPUID Fn8000_001F; Linux cpufeatures word 19; notes/sev.md §1.1):
//   EAX bit 0 SME, bit 1 SEV, bit 3 SEV-ES, bit 4 SEV-SNP
//   EBX[5:0] C-bit position, EBX[11:6] physical address bits lost, EBX[15:12] number of VMPLs
//   ECX number of encrypted guests supported at once (the highest SEV ASID)
//   EDX minimum ASID of a plain SEV guest: ASIDs 1..EDX-1 are for SEV-ES/SNP guests, EDX..ECX
//       for SEV guests (Linux sev_hardware_setup()).
#pragma once

#include <cstdint>
#include <optional>

namespace er::sev {

struct CpuidRegs {
    uint32_t eax = 0;
    uint32_t ebx = 0;
    uint32_t ecx = 0;
    uint32_t edx = 0;
};

struct SevCpuid {
    bool leaf_present = false;  // the CPU's highest extended leaf reaches 0x8000001F
    CpuidRegs regs;
    bool sme = false;
    bool sev = false;
    bool sev_es = false;
    bool snp = false;
    unsigned c_bit = 0;
    unsigned phys_addr_reduction = 0;
    unsigned vmpls = 0;
    uint32_t encrypted_guests = 0;  // ECX
    uint32_t min_sev_asid = 0;      // EDX

    // ASIDs usable by SEV-ES and SNP guests (1..min_sev_asid-1, capped at encrypted_guests).
    uint32_t es_snp_asids() const;
    // ASIDs usable by plain SEV guests (min_sev_asid..encrypted_guests).
    uint32_t sev_asids() const;
};

// `leaf` is nullopt when the CPU has no leaf 0x8000001F (then every feature is absent).
SevCpuid decode_sev_cpuid(std::optional<CpuidRegs> leaf);

}  // namespace er::sev
