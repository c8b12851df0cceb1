// C-bit position and SEV mode (unikernel/sev/cbit.hpp) from the CPUID and SEV_STATUS values that
// real parts report (EPYC Milan/Genoa: C-bit 51, reduction 1; Naples/Rome: 47) and from bad ones.
#include "sev/cbit.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace {

using namespace uk::sev;

TEST(CBit, FromCpuidEbx) {
    // Milan/Genoa: EBX = 0x0000_0073 -> C-bit 51 (0x33), reduction 1.
    EXPECT_EQ(cbit_position(0x73), 51u);
    EXPECT_EQ(phys_addr_reduction(0x73), 1u);
    EXPECT_EQ(cbit_mask(0x73), uint64_t{1} << 51);
    EXPECT_EQ(cbit_mask(0x73), 0x0008000000000000u);
    // Naples/Rome: C-bit 47 (0x2F), reduction 5 (0x16F).
    EXPECT_EQ(cbit_position(0x16F), 47u);
    EXPECT_EQ(phys_addr_reduction(0x16F), 5u);
    EXPECT_EQ(cbit_mask(0x16F), 0x0000800000000000u);
    // Upper EBX bits (VMPL count in 15:12 on SNP parts) do not leak into the position.
    EXPECT_EQ(cbit_position(0xFFFFF073), 51u);
}

TEST(CBit, ImpossiblePositionsGiveNoMask) {
    EXPECT_EQ(cbit_mask(0), 0u);   // no SEV: CPUID leaf all zero
    EXPECT_EQ(cbit_mask(11), 0u);  // inside the page offset
    EXPECT_EQ(cbit_mask(52), 0u);  // above the PTE's address bits
    EXPECT_EQ(cbit_mask(63), 0u);  // NX
    EXPECT_EQ(cbit_mask(12), 1u << 12);
}

TEST(CBit, SetAndClearInAPte) {
    const uint64_t m = cbit_mask(0x73);
    const uint64_t pte = 0x0000000012345003;  // present, writable
    EXPECT_EQ(with_cbit(pte, m, true), 0x0008000012345003u);
    EXPECT_EQ(with_cbit(with_cbit(pte, m, true), m, false), pte);
    EXPECT_EQ(with_cbit(pte | (uint64_t{1} << 63), m, true), 0x8008000012345003u);
}

TEST(SevStatus, Modes) {
    EXPECT_EQ(sev_mode(0), SevMode::kNone);
    EXPECT_EQ(sev_mode(0x1), SevMode::kSev);
    EXPECT_EQ(sev_mode(0x3), SevMode::kSevEs);
    EXPECT_EQ(sev_mode(0x7), SevMode::kSnp);
    // SNP feature bits above bit 2 (vTOM, reflect-#VC, ...) do not change the mode.
    EXPECT_EQ(sev_mode(0x7 | (1u << 3) | (1u << 16)), SevMode::kSnp);
    EXPECT_EQ(sev_mode(0x1 | (1u << 16)), SevMode::kSev);
    // Bits that cannot occur together: refused.
    for (uint64_t bad : {0x2, 0x4, 0x5, 0x6})
        EXPECT_EQ(sev_mode(bad), SevMode::kInconsistent) << bad;
    EXPECT_EQ(kSevStatusMsr, 0xC0010131u);
    EXPECT_EQ(kCpuidSevLeaf, 0x8000001Fu);
}

TEST(SevStatus, Names) {
    EXPECT_EQ(std::string(sev_mode_name(SevMode::kNone)), "none");
    EXPECT_EQ(std::string(sev_mode_name(SevMode::kSev)), "sev");
    EXPECT_EQ(std::string(sev_mode_name(SevMode::kSevEs)), "sev-es");
    EXPECT_EQ(std::string(sev_mode_name(SevMode::kSnp)), "sev-snp");
    EXPECT_EQ(std::string(sev_mode_name(SevMode::kInconsistent)), "inconsistent");
}

}  // namespace
