// Which SEV mode the guest runs in, and where its C-bit is.  Under SEV the guest marks a page
// private (encrypted with its key) by setting the C-bit in the page-table entry; the bit's
// position is model-specific and read from CPUID (APM vol 2 §15.34.1, "Determining Support for
// SEV"; CPUID Fn8000_001F in APM vol 3 appendix E).  Shared pages (hypercall buffers, the GHCB)
// have it clear.  The active mode is SEV_STATUS (MSR C001_0131, APM vol 2 §15.34.10).
//
// Trust: under SEV and SEV-ES the hypervisor answers CPUID, so the position is sanity-checked
// (it must be a physical-address bit of a 4-level PTE, 12..51); under SNP the CPUID page is
// checked by the firmware.  A wrong answer makes the guest's memory unreadable to itself, which
// the launch measurement and attestation then expose; it cannot make private data public
// without the guest noticing its own pages are garbage.
#pragma once

#include <stdint.h>

namespace uk::sev {

constexpr uint32_t kCpuidSevLeaf = 0x8000001F;
constexpr uint32_t kSevStatusMsr = 0xC0010131;

// CPUID Fn8000_001F EAX: what the processor supports (not what this guest is).
constexpr uint32_t kCpuidEaxSme = 1u << 0;
constexpr uint32_t kCpuidEaxSev = 1u << 1;
constexpr uint32_t kCpuidEaxSevEs = 1u << 3;
constexpr uint32_t kCpuidEaxSnp = 1u << 4;

// EBX[5:0]: the C-bit's position in a page-table entry.
constexpr unsigned cbit_position(uint32_t ebx) {
    return ebx & 0x3F;
}

// EBX[11:6]: how many physical-address bits memory encryption takes away.
constexpr unsigned phys_addr_reduction(uint32_t ebx) {
    return (ebx >> 6) & 0x3F;
}

// The PTE mask for the C-bit, or 0 when the position cannot be one (outside bits 12..51, where a
// 4-level entry keeps its physical address).
constexpr uint64_t cbit_mask(uint32_t ebx) {
    unsigned pos = cbit_position(ebx);
    return pos >= 12 && pos <= 51 ? uint64_t{1} << pos : 0;
}

// SEV_STATUS bits: 0 SEV, 1 SEV-ES, 2 SEV-SNP (the higher bits are SNP features).
constexpr uint64_t kSevStatusSev = 1u << 0;
constexpr uint64_t kSevStatusSevEs = 1u << 1;
constexpr uint64_t kSevStatusSnp = 1u << 2;

enum class SevMode : uint8_t { kNone, kSev, kSevEs, kSnp, kInconsistent };

// Each mode implies the ones below it (an SNP guest reads 0b111, an SEV-ES guest 0b011); any other
// combination of the three bits is inconsistent and must stop the boot.
constexpr SevMode sev_mode(uint64_t sev_status) {
    switch (sev_status & (kSevStatusSev | kSevStatusSevEs | kSevStatusSnp)) {
        case 0:
            return SevMode::kNone;
        case kSevStatusSev:
            return SevMode::kSev;
        case kSevStatusSev | kSevStatusSevEs:
            return SevMode::kSevEs;
        case kSevStatusSev | kSevStatusSevEs | kSevStatusSnp:
            return SevMode::kSnp;
        default:
            return SevMode::kInconsistent;
    }
}

constexpr const char* sev_mode_name(SevMode m) {
    switch (m) {
        case SevMode::kNone:
            return "none";
        case SevMode::kSev:
            return "sev";
        case SevMode::kSevEs:
            return "sev-es";
        case SevMode::kSnp:
            return "sev-snp";
        case SevMode::kInconsistent:
            break;
    }
    return "inconsistent";
}

// A PTE with the C-bit set (private) or clear (shared).
constexpr uint64_t with_cbit(uint64_t pte, uint64_t mask, bool is_private) {
    return is_private ? pte | mask : pte & ~mask;
}

}  // namespace uk::sev
