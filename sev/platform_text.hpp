// `enclave-run platform` as text: one fact per line, /dev/kvm first (so a host without it says so
// on the first line), then CPUID, kvm_amd, /dev/sev, then each mode with its missing pieces.
#pragma once

#include <string>
#include <vector>

#include "sev/asid/asid_report.hpp"
#include "sev/platform_report.hpp"

namespace er::sev {

std::vector<std::string> platform_text(const PlatformReport& report);
// The same with the ASID lines (sev/asid/asid_report.hpp) after the /dev/sev line, before the
// modes: what `enclave-run platform` prints.
std::vector<std::string> platform_text(const PlatformReport& report, const asid::AsidReport& asids);

// "0x11 (default, snp)": a KVM_CAP_VM_TYPES mask with the type names it holds.
std::string vm_types_text(uint32_t mask);

}  // namespace er::sev
