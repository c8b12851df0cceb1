// `enclave-run platform` output: the text's line order and the JSON's shape.
#include <gtest/gtest.h>

#include "fake_probe.hpp"
#include "sev/platform_json.hpp"
#include "sev/platform_text.hpp"

namespace er::sev {
namespace {

using nlohmann::json;

TEST(PlatformText, WithoutKvmTheFirstLineSaysSo) {
    test::FakeProbe p = test::build_host();
    std::vector<std::string> lines = platform_text(probe_platform(p));
    ASSERT_GE(lines.size(), 4u);
    EXPECT_EQ(lines[0].rfind("no /dev/kvm: ", 0), 0u) << lines[0];
    EXPECT_EQ(lines[1].rfind("CPU: CPUID 0x8000001F ", 0), 0u) << lines[1];
    EXPECT_EQ(lines[2], "kvm_amd: not loaded");
    EXPECT_EQ(lines[3], "/dev/sev: absent");
    EXPECT_EQ(lines.back(), "strongest mode: none");
}

TEST(PlatformText, ListsEachModeWithItsMissingPieces) {
    test::FakeProbe p = test::test_vm();
    std::vector<std::string> lines = platform_text(probe_platform(p));
    EXPECT_EQ(lines[0],
              "/dev/kvm: KVM_CAP_VM_TYPES not offered (Linux before 6.8), KVM_MEMORY_ENCRYPT_OP "
              "answers ENOTTY (SEV off in KVM)");
    EXPECT_EQ(lines[2], "kvm_amd: sev=N sev_es=N sev_snp=(none)");
    auto at = std::find(lines.begin(), lines.end(), "sev: not available");
    ASSERT_NE(at, lines.end());
    EXPECT_EQ(*(at + 1), "  - CPU has no CPUID leaf 0x8000001F (no AMD memory encryption)");
    EXPECT_EQ(lines.back(),
              "strongest mode: none (enclaves here run on plain KVM, not hardware-backed)");
}

TEST(PlatformText, ASnpHostShowsItsFirmwareAndAsids) {
    test::FakeProbe p = test::snp_host();
    std::vector<std::string> lines = platform_text(probe_platform(p));
    EXPECT_NE(lines[1].find("C-bit 51, 509 encrypted guests, minimum SEV ASID 128 (127 ASIDs for "
                            "SEV-ES/SNP, 382 for SEV)"),
              std::string::npos)
        << lines[1];
    EXPECT_NE(lines[3].find("API 1.55 build 31, state WORKING"), std::string::npos) << lines[3];
    EXPECT_NE(lines[3].find("reported TCB 0x1b00000000000003"), std::string::npos) << lines[3];
    EXPECT_EQ(lines.back(), "strongest mode: snp");
}

TEST(PlatformText, VmTypesAreNamed) {
    EXPECT_EQ(vm_types_text(0x1d), "0x1d (default, sev, sev_es, snp)");
    EXPECT_EQ(vm_types_text(0x1), "0x1 (default)");
}

TEST(PlatformJson, HasOneObjectPerProbeAndOnePerMode) {
    test::FakeProbe p = test::test_vm();
    PlatformReport r = probe_platform(p);
    json j = platform_json(r);
    for (const char* key : {"kvm", "cpuid", "kvm_amd", "sev_device", "modes", "strongest"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["kvm"]["present"], true);
    EXPECT_EQ(j["kvm"]["vm_types"], 0);
    EXPECT_EQ(j["kvm"]["memory_encrypt_op"], "Inappropriate ioctl for device");
    EXPECT_EQ(j["cpuid"]["leaf_present"], false);
    EXPECT_EQ(j["kvm_amd"]["sev"], false);
    EXPECT_TRUE(j["kvm_amd"]["sev_snp"].is_null());  // no such parameter
    EXPECT_EQ(j["sev_device"]["present"], false);
    EXPECT_TRUE(j["strongest"].is_null());
    for (const char* m : {"snp", "es", "sev"}) {
        const json& mode = j["modes"][m];
        EXPECT_EQ(mode["available"], false) << m;
        EXPECT_TRUE(mode["missing"].is_array()) << m;
    }
    EXPECT_EQ(j["modes"]["snp"]["missing"].get<std::vector<std::string>>(), r.snp.missing);
}

TEST(PlatformJson, ASnpHostCarriesTheFirmwareStatusAndTheStrongestMode) {
    test::FakeProbe p = test::snp_host();
    json j = platform_json(probe_platform(p));
    EXPECT_EQ(j["strongest"], "snp");
    EXPECT_EQ(j["kvm"]["memory_encrypt_op"], "ok");
    EXPECT_EQ(j["cpuid"]["c_bit"], 51);
    EXPECT_EQ(j["cpuid"]["min_sev_asid"], 128);
    EXPECT_EQ(j["sev_device"]["platform_status"]["state"], "WORKING");
    EXPECT_EQ(j["sev_device"]["snp_platform_status"]["build_id"], 31);
    EXPECT_EQ(j["modes"]["snp"]["available"], true);
    EXPECT_TRUE(j["modes"]["snp"]["missing"].empty());
}

}  // namespace
}  // namespace er::sev
