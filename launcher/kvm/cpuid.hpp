// Reading the CPUID table KVM offers a guest (KVM_GET_SUPPORTED_CPUID, laid out as a kvm_cpuid2:
// uapi::CpuidHeader, then kvm_cpuid_entry2[nent]), e.g. to learn whether guests get PKU.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <optional>
#include <span>

namespace er::launcher {

// The entry for (function, index); index only counts for leaves KVM marks index-significant.
// nullopt when the leaf is missing or the buffer is shorter than its nent says.
std::optional<kvm_cpuid_entry2> find_cpuid_entry(std::span<const uint8_t> cpuid, uint32_t function,
                                                 uint32_t index);

// CPUID.(EAX=7,ECX=0):ECX bit 3 (PKU): the guest can use protection keys.
bool guest_has_pku(std::span<const uint8_t> cpuid);

}  // namespace er::launcher
