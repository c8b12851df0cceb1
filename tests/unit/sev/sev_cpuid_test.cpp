// CPUID Fn8000_001F decoding, with register values read on real parts (cpuid -r -1 -l 0x8000001f).
#include "sev/sev_cpuid.hpp"

#include <gtest/gtest.h>

namespace er::sev {
namespace {

// EPYC 7713P (Milan), SNP-enabled BIOS: SME..VMPL set, C-bit 51, 509 guests, SEV from ASID 128.
constexpr CpuidRegs kMilan7713P{0x0101fd3f, 0x00004173, 0x000001fd, 0x00000080};
// EPYC on an EC2 m6a.metal (Milan): the whole ASID space given to SEV-ES/SNP (EDX = 510).
constexpr CpuidRegs kMilanAllEs{0x0101fd3f, 0x00004173, 0x000001fd, 0x000001fe};
// A part with SME, SEV and SEV-ES but no SNP, its BIOS leaving no ASID to SEV-ES (EDX = 1).
constexpr CpuidRegs kNoSnpNoEsAsids{0x0001000f, 0x0000016f, 0x000001fd, 0x00000001};

TEST(SevCpuid, MilanWithSnpDecodesEveryField) {
    SevCpuid c = decode_sev_cpuid(kMilan7713P);
    EXPECT_TRUE(c.leaf_present);
    EXPECT_TRUE(c.sme);
    EXPECT_TRUE(c.sev);
    EXPECT_TRUE(c.sev_es);
    EXPECT_TRUE(c.snp);
    EXPECT_EQ(c.c_bit, 51u);
    EXPECT_EQ(c.phys_addr_reduction, 5u);
    EXPECT_EQ(c.vmpls, 4u);
    EXPECT_EQ(c.encrypted_guests, 509u);
    EXPECT_EQ(c.min_sev_asid, 128u);
    EXPECT_EQ(c.es_snp_asids(), 127u);  // ASIDs 1..127
    EXPECT_EQ(c.sev_asids(), 382u);     // ASIDs 128..509
}

TEST(SevCpuid, MinimumSevAsidAboveTheLastLeavesNoPlainSevAsid) {
    SevCpuid c = decode_sev_cpuid(kMilanAllEs);
    EXPECT_EQ(c.es_snp_asids(), 509u);
    EXPECT_EQ(c.sev_asids(), 0u);
}

TEST(SevCpuid, MinimumSevAsidOneLeavesNoSevEsAsid) {
    SevCpuid c = decode_sev_cpuid(kNoSnpNoEsAsids);
    EXPECT_TRUE(c.sev);
    EXPECT_TRUE(c.sev_es);
    EXPECT_FALSE(c.snp);
    EXPECT_EQ(c.c_bit, 47u);
    EXPECT_EQ(c.es_snp_asids(), 0u);
    EXPECT_EQ(c.sev_asids(), 509u);
}

TEST(SevCpuid, AbsentLeafMeansNothing) {
    SevCpuid c = decode_sev_cpuid(std::nullopt);
    EXPECT_FALSE(c.leaf_present);
    EXPECT_FALSE(c.sev || c.sev_es || c.snp || c.sme);
    EXPECT_EQ(c.es_snp_asids(), 0u);
    EXPECT_EQ(c.sev_asids(), 0u);
}

// The build machines' Zen 5 vCPU answers the leaf with all zeros (notes/sev.md §1.1).
TEST(SevCpuid, AllZeroLeafIsPresentButOffersNothing) {
    SevCpuid c = decode_sev_cpuid(CpuidRegs{});
    EXPECT_TRUE(c.leaf_present);
    EXPECT_FALSE(c.sev || c.sev_es || c.snp);
    EXPECT_EQ(c.sev_asids(), 0u);
}

TEST(SevCpuid, EachFeatureBitIsItsOwn) {
    EXPECT_TRUE(decode_sev_cpuid(CpuidRegs{1u << 1, 0, 0, 0}).sev);
    EXPECT_FALSE(decode_sev_cpuid(CpuidRegs{1u << 1, 0, 0, 0}).sev_es);
    EXPECT_TRUE(decode_sev_cpuid(CpuidRegs{1u << 3, 0, 0, 0}).sev_es);
    EXPECT_FALSE(decode_sev_cpuid(CpuidRegs{1u << 3, 0, 0, 0}).snp);
    EXPECT_TRUE(decode_sev_cpuid(CpuidRegs{1u << 4, 0, 0, 0}).snp);
    EXPECT_FALSE(decode_sev_cpuid(CpuidRegs{1u << 4, 0, 0, 0}).sev);
    EXPECT_EQ(decode_sev_cpuid(CpuidRegs{0, 0xffffffc0u, 0, 0}).c_bit, 0u);
}

}  // namespace
}  // namespace er::sev
