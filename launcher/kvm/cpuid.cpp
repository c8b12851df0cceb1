#include "launcher/kvm/cpuid.hpp"

#include <cstring>

#include "launcher/kvm/uapi.hpp"

namespace er::launcher {

std::optional<kvm_cpuid_entry2> find_cpuid_entry(std::span<const uint8_t> cpuid, uint32_t function,
                                                 uint32_t index) {
    // memcpy, not casts: the buffer is bytes, and its nent is not trusted beyond its size.
    uapi::CpuidHeader header{};
    if (cpuid.size() < sizeof header) return std::nullopt;
    std::memcpy(&header, cpuid.data(), sizeof header);
    size_t room = (cpuid.size() - sizeof header) / sizeof(kvm_cpuid_entry2);
    size_t count = header.nent < room ? header.nent : room;
    for (size_t i = 0; i < count; ++i) {
        kvm_cpuid_entry2 e{};
        std::memcpy(&e, cpuid.data() + sizeof header + i * sizeof e, sizeof e);
        if (e.function != function) continue;
        if ((e.flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) != 0 && e.index != index) continue;
        return e;
    }
    return std::nullopt;
}

bool guest_has_pku(std::span<const uint8_t> cpuid) {
    constexpr uint32_t kPkuBit = 1u << 3;
    auto leaf7 = find_cpuid_entry(cpuid, 7, 0);
    return leaf7 && (leaf7->ecx & kPkuBit) != 0;
}

}  // namespace er::launcher
