#include "sev/sev_cpuid.hpp"

#include <algorithm>

namespace er::sev {

uint32_t SevCpuid::es_snp_asids() const {
    if (min_sev_asid <= 1) return 0;
    return std::min(min_sev_asid - 1, encrypted_guests);
}

uint32_t SevCpuid::sev_asids() const {
    // An EDX of 0 is not a real part's value; Linux then starts SEV ASIDs at 1 all the same.
    uint32_t first = std::max<uint32_t>(min_sev_asid, 1);
    return encrypted_guests >= first ? encrypted_guests - first + 1 : 0;
}

SevCpuid decode_sev_cpuid(std::optional<CpuidRegs> leaf) {
    SevCpuid c;
    if (!leaf) return c;
    c.leaf_present = true;
    c.regs = *leaf;
    c.sme = (leaf->eax >> 0) & 1;
    c.sev = (leaf->eax >> 1) & 1;
    c.sev_es = (leaf->eax >> 3) & 1;
    c.snp = (leaf->eax >> 4) & 1;
    c.c_bit = leaf->ebx & 0x3f;
    c.phys_addr_reduction = (leaf->ebx >> 6) & 0x3f;
    c.vmpls = (leaf->ebx >> 12) & 0xf;
    c.encrypted_guests = leaf->ecx;
    c.min_sev_asid = leaf->edx;
    return c;
}

}  // namespace er::sev
