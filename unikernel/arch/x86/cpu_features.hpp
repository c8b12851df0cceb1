// CPU features the kernel cares about, read once from CPUID at boot (the launcher passes through
// KVM_GET_SUPPORTED_CPUID, so these are what the vCPU really has).
#pragma once

#include <stdint.h>

namespace uk::x86 {

struct CpuFeatures {
    bool smep;
    bool smap;
    bool pku;
    bool pge;
    bool xsave;
    bool avx;
    bool nx;
    bool pcid;       // process-context ids: CR3 switches keep other domains' TLB entries
    uint32_t hwcap;  // CPUID.1:EDX, what Linux reports as AT_HWCAP on x86-64
};

// Filled by detect_cpu_features(); read-only afterwards.
extern CpuFeatures g_cpu;

void detect_cpu_features();

// Turns on what the kernel relies on and the CPU offers: PGE, SMEP, SMAP, OSXSAVE with the
// x87/SSE/AVX state components, PCIDs, protection keys (CR4.PKE), and initialises the x87/SSE state apps expect at entry.
void enable_cpu_features();

}  // namespace uk::x86
