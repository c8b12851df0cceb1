#include "launcher/kvm/cpuid.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "launcher/kvm/uapi.hpp"

namespace er::launcher {
namespace {

// A kvm_cpuid2 as KVM_GET_SUPPORTED_CPUID lays it out: header, then the entries.
std::vector<uint8_t> cpuid_buffer(const std::vector<kvm_cpuid_entry2>& entries) {
    uapi::CpuidHeader header{static_cast<uint32_t>(entries.size()), 0};
    std::vector<uint8_t> out(sizeof header + entries.size() * sizeof(kvm_cpuid_entry2));
    std::memcpy(out.data(), &header, sizeof header);
    if (!entries.empty()) {
        std::memcpy(out.data() + sizeof header, entries.data(),
                    entries.size() * sizeof(kvm_cpuid_entry2));
    }
    return out;
}

kvm_cpuid_entry2 entry(uint32_t function, uint32_t index, uint32_t ecx, bool indexed = true) {
    kvm_cpuid_entry2 e{};
    e.function = function;
    e.index = index;
    e.flags = indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
    e.ecx = ecx;
    return e;
}

constexpr uint32_t kPku = 1u << 3;

TEST(Cpuid, PkuPresent) {
    auto buf = cpuid_buffer({entry(0, 0, 0, false), entry(7, 0, kPku | 1), entry(7, 1, 0)});
    EXPECT_TRUE(guest_has_pku(buf));
}

TEST(Cpuid, PkuAbsentOrOnlyInAnotherSubleaf) {
    EXPECT_FALSE(guest_has_pku(cpuid_buffer({entry(7, 0, ~kPku)})));
    // Leaf 7 subleaf 1 has other bits; only subleaf 0 counts.
    EXPECT_FALSE(guest_has_pku(cpuid_buffer({entry(7, 1, kPku), entry(7, 0, 0)})));
}

TEST(Cpuid, LeafMissingOrBufferEmpty) {
    EXPECT_FALSE(guest_has_pku(cpuid_buffer({entry(0, 0, 0, false), entry(1, 0, kPku)})));
    EXPECT_FALSE(guest_has_pku(cpuid_buffer({})));
    EXPECT_FALSE(guest_has_pku(std::vector<uint8_t>{}));
    EXPECT_FALSE(guest_has_pku(std::vector<uint8_t>(4, 0xff)));  // shorter than the header
}

TEST(Cpuid, NentBeyondTheBufferIsNotRead) {
    auto buf = cpuid_buffer({entry(1, 0, 0), entry(7, 0, kPku)});
    buf.resize(buf.size() - 1);  // the second entry is cut short
    EXPECT_FALSE(guest_has_pku(buf));
    EXPECT_TRUE(find_cpuid_entry(buf, 1, 0));
}

TEST(Cpuid, IndexIgnoredWhereKvmSaysItIsNotSignificant) {
    auto buf = cpuid_buffer({entry(1, 0, 0x1234, false)});
    auto e = find_cpuid_entry(buf, 1, 5);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->ecx, 0x1234u);
    EXPECT_FALSE(find_cpuid_entry(cpuid_buffer({entry(7, 0, kPku)}), 7, 1));
}

}  // namespace
}  // namespace er::launcher
