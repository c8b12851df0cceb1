#include "sev/platform_probe.hpp"

#include <cpuid.h>

namespace er::sev {

std::optional<CpuidRegs> HostProbe::cpuid_8000001f() {
    constexpr unsigned kLeaf = 0x8000001F;
    // Intel parts stop at 0x80000008; asking beyond the highest leaf returns another leaf's data.
    // (GCC's cpuid.h returns the leaf as unsigned, clang's as int.)
    if (static_cast<unsigned>(__get_cpuid_max(0x80000000, nullptr)) < kLeaf) return std::nullopt;
    CpuidRegs r;
    __cpuid_count(kLeaf, 0, r.eax, r.ebx, r.ecx, r.edx);
    return r;
}

}  // namespace er::sev
