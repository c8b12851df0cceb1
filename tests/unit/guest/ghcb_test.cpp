// GHCB protocol encodings (unikernel/sev/ghcb.hpp) against the values of the GHCB specification
// (AMD 56421 v2, §2.3.1 MSR protocol, the GHCB layout table, the NAE exit codes), written out
// here as literal numbers rather than derived from the code under test.
#include "sev/ghcb.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace {

using namespace uk::sev::ghcb;

TEST(GhcbMsr, SevInformation) {
    EXPECT_EQ(sev_info_request(), 0x002u);
    // max 2, min 1, C-bit 51 (Milan/Genoa): 0x0002'0001'33'000'001.
    SevInfo info{};
    ASSERT_TRUE(decode_sev_info(0x0002000133000001, &info));
    EXPECT_EQ(info.max_version, 2);
    EXPECT_EQ(info.min_version, 1);
    EXPECT_EQ(info.cbit, 51);
    EXPECT_TRUE(supports_our_version(info));
    EXPECT_FALSE(supports_our_version({1, 1, 51}));  // a version-1-only hypervisor: no SNP
    EXPECT_FALSE(supports_our_version({5, 3, 51}));
    // Another response code is not an SEV information response.
    EXPECT_FALSE(decode_sev_info(0x0002000133000005, &info));
}

TEST(GhcbMsr, Cpuid) {
    // Leaf 0x8000001F, EBX: function in 63:32, register 1 in 31:30, code 0x004.
    EXPECT_EQ(cpuid_request(0x8000001F, CpuidReg::kEbx), 0x8000001F40000004u);
    EXPECT_EQ(cpuid_request(0x1, CpuidReg::kEax), 0x0000000100000004u);
    EXPECT_EQ(cpuid_request(0x7, CpuidReg::kEcx), 0x0000000780000004u);
    EXPECT_EQ(cpuid_request(0xD, CpuidReg::kEdx), 0x0000000DC0000004u);
    uint32_t v = 0;
    ASSERT_TRUE(decode_cpuid_response(0x0000503340000005, CpuidReg::kEbx, &v));
    EXPECT_EQ(v, 0x5033u);
    // The answer for another register, or another response code, is refused.
    EXPECT_FALSE(decode_cpuid_response(0x0000503380000005, CpuidReg::kEbx, &v));
    EXPECT_FALSE(decode_cpuid_response(0x0000503340000004, CpuidReg::kEbx, &v));
}

TEST(GhcbMsr, GpaRegistration) {
    EXPECT_EQ(register_gpa_request(0x12345), 0x12345012u);
    EXPECT_TRUE(register_gpa_accepted(0x12345013, 0x12345));
    EXPECT_FALSE(register_gpa_accepted(0x12346013, 0x12345));  // another GFN: refused
    EXPECT_FALSE(register_gpa_accepted(0x12345012, 0x12345));  // not a response
}

TEST(GhcbMsr, PageStateChange) {
    // GFN 0xABCDE to private: op 1 in 55:52, GFN in 51:12, code 0x014.
    EXPECT_EQ(page_state_request(0xABCDE, PageOp::kPrivate), 0x00100000ABCDE014u);
    EXPECT_EQ(page_state_request(0xABCDE, PageOp::kShared), 0x00200000ABCDE014u);
    // The GFN is 40 bits: the largest fits, nothing spills into the operation.
    EXPECT_EQ(page_state_request(0xFFFFFFFFFF, PageOp::kShared), 0x002FFFFFFFFFF014u);
    EXPECT_TRUE(page_state_succeeded(0x0000000000000015));
    EXPECT_FALSE(page_state_succeeded(0x0000000100000015));  // error code 1
    EXPECT_FALSE(page_state_succeeded(0x0000000000000014));
}

TEST(GhcbMsr, HypervisorFeaturesAndTermination) {
    EXPECT_EQ(hv_features_request(), 0x080u);
    EXPECT_EQ(kHvFeatureSnp, 1u);
    EXPECT_EQ(terminate_request(kReasonSetGeneral, kReasonGeneral), 0x100u);
    EXPECT_EQ(terminate_request(0, kReasonProtocolUnsupported), 0x10100u);
    EXPECT_EQ(terminate_request(0, kReasonSnpUnsupported), 0x20100u);
    EXPECT_EQ(terminate_request(1, 0x7F), 0x7F1100u);
    EXPECT_EQ(msr_info(0x7F1100), 0x100u);
}

TEST(GhcbExitCodes, MatchTheSpecification) {
    EXPECT_EQ(kExitCpuid, 0x72u);
    EXPECT_EQ(kExitIoio, 0x7Bu);
    EXPECT_EQ(kExitMsr, 0x7Cu);
    EXPECT_EQ(kExitPageStateChange, 0x80000010u);
    EXPECT_EQ(kExitGuestRequest, 0x80000011u);
    EXPECT_EQ(kExitExtGuestRequest, 0x80000012u);
    EXPECT_EQ(kExitTermination, 0x8000FFFEu);
    EXPECT_EQ(kGhcbMsr, 0xC0010130u);
}

// The layout offsets and each field's valid-bitmap bit (its quadword index in the save area).
TEST(GhcbPage, LayoutAndValidBits) {
    struct {
        Field f;
        unsigned offset, bit;
    } const fields[] = {
        {kRax, 0x1F8, 63},          {kRcx, 0x308, 97},         {kRdx, 0x310, 98},
        {kRbx, 0x318, 99},          {kSwExitCode, 0x390, 114}, {kSwExitInfo1, 0x398, 115},
        {kSwExitInfo2, 0x3A0, 116}, {kSwScratch, 0x3A8, 117},  {kXcr0, 0x3E8, 125},
    };
    for (const auto& x : fields) {
        EXPECT_EQ(static_cast<unsigned>(x.f), x.offset);
        EXPECT_EQ(valid_bit(x.f), x.bit) << std::hex << x.offset;
    }
    EXPECT_EQ(kValidBitmapOffset, 0x3F0u);
    EXPECT_EQ(kSharedBufferOffset, 0x800u);
    EXPECT_EQ(kSharedBufferOffset + kSharedBufferSize, 0xFF0u);
    EXPECT_EQ(kProtocolVersionOffset, 0xFFAu);
    EXPECT_EQ(kUsageOffset, 0xFFCu);
}

TEST(GhcbPage, SetWritesTheFieldAndOnlyItsValidBit) {
    std::vector<uint8_t> page(kPageSize, 0);
    set(page.data(), kRcx, 0x1122334455667788);
    uint64_t v;
    std::memcpy(&v, page.data() + 0x308, 8);
    EXPECT_EQ(v, 0x1122334455667788u);
    EXPECT_EQ(get(page.data(), kRcx), 0x1122334455667788u);
    // Bit 97: byte 0x3F0 + 12, bit 1.
    for (size_t i = 0; i < 16; ++i)
        EXPECT_EQ(page[0x3F0 + i], i == 12 ? 0x02 : 0x00) << "bitmap byte " << i;
    EXPECT_TRUE(is_valid(page.data(), kRcx));
    EXPECT_FALSE(is_valid(page.data(), kRdx));
    // Nothing else in the page changed.
    for (size_t i = 0; i < kPageSize; ++i) {
        if ((i < 0x308 || i >= 0x310) && i != 0x3F0 + 12) {
            ASSERT_EQ(page[i], 0) << i;
        }
    }

    set(page.data(), kRax, 1);  // bit 63: byte 7, bit 7
    EXPECT_EQ(page[0x3F0 + 7], 0x80);
    set_exit(page.data(), kExitMsr, 1, 0);  // bits 114-116: byte 14, bits 2-4
    EXPECT_EQ(page[0x3F0 + 14], 0x1C);
    EXPECT_EQ(get(page.data(), kSwExitCode), 0x7Cu);
    EXPECT_EQ(get(page.data(), kSwExitInfo1), 1u);
}

TEST(GhcbPage, ResetClearsExitFieldsAndBitmapAndSetsVersionAndUsage) {
    std::vector<uint8_t> page(kPageSize, 0xEE);
    reset(page.data());
    for (size_t i = 0; i < 0x400; ++i) ASSERT_EQ(page[i], 0) << i;  // save area and bitmap
    EXPECT_EQ(page[0x400], 0xEE);  // the shared buffer and the rest are left alone
    EXPECT_EQ(page[0x800], 0xEE);
    EXPECT_EQ(page[0xFFA], 2);
    EXPECT_EQ(page[0xFFB], 0);
    for (size_t i = 0xFFC; i < 0x1000; ++i) EXPECT_EQ(page[i], 0) << i;
    EXPECT_FALSE(is_valid(page.data(), kRax));
    set(page.data(), kSwExitInfo1, 0x0000000700000000);  // upper half ignored
    EXPECT_TRUE(event_succeeded(page.data()));
    set(page.data(), kSwExitInfo1, 1);
    EXPECT_FALSE(event_succeeded(page.data()));
}

}  // namespace
