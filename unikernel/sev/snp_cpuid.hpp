// CPUID for an SNP guest, answered from the CPUID page instead of the hypervisor.  The launcher
// puts a CPUID table in a page of type CPUID at SNP_LAUNCH_UPDATE; the firmware checks each entry
// against what the hardware allows before the guest starts, and the page is part of the launch
// digest (SNP firmware ABI 56860, SNP_LAUNCH_UPDATE page type CPUID and its "CPUID Reporting"
// appendix).  A hypervisor answer to CPUID through the GHCB is not checked by anyone, so an SNP
// guest uses the table (as Linux does, snp_cpuid()).
//
// Page layout: u32 count (at most 64), u32 reserved, u64 reserved, then 64 entries of 48 bytes:
// u32 EAX_IN, u32 ECX_IN, u64 XCR0_IN, u64 XSS_IN, u32 EAX, EBX, ECX, EDX, u64 reserved.
//
// The table is a template: leaf 0xD sub-leaves 0 and 1 report XSAVE area sizes for the XCR0 (and
// XSS) the guest has enabled, which the launcher could not know, so those EBX values are computed
// here from the per-component entries (sub-leaves 2..63: EAX size, EBX offset).  Per-CPU values
// (APIC IDs in leaves 1, 0xB, 0x8000001E) are left as the table has them: this guest has one vCPU.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::sev {

constexpr size_t kSnpCpuidMaxEntries = 64;
constexpr size_t kSnpCpuidHeaderSize = 16;
constexpr size_t kSnpCpuidEntrySize = 48;
constexpr size_t kSnpCpuidPageSize = 4096;

struct CpuidValues {
    uint32_t eax, ebx, ecx, edx;
};

// nullptr when the page holds a usable table (count within 64), else the reason.
[[nodiscard]] const char* snp_cpuid_table_check(const uint8_t page[kSnpCpuidPageSize]);

// CPUID(leaf, subleaf) for a guest with the given XCR0 (1 without CR4.OSXSAVE) and IA32_XSS (0
// without XSAVES).  nullptr and *out on success: the table's entry, all zeros for a leaf the
// table lacks (Linux does the same: hypervisors leave out all-zero leaves), EBX recomputed for
// leaf 0xD sub-leaves 0/1.  Otherwise the reason: a bad table, or XCR0/XSS naming a component the
// table does not describe.  The sub-leaf only selects an entry for leaves indexed by ECX.
[[nodiscard]] const char* snp_cpuid(const uint8_t page[kSnpCpuidPageSize], uint32_t leaf,
                                    uint32_t subleaf, uint64_t xcr0, uint64_t xss,
                                    CpuidValues* out);

}  // namespace uk::sev
