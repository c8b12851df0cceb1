// The confidential-mode policy (confidential_mode.hpp), --guest-policy, the launch plan, and the
// offline measurement against the software PSP fed through the launcher's own run_launch().
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "launcher/common/error.hpp"
#include "launcher/confidential/confidential_mode.hpp"
#include "launcher/confidential/expected_measurement.hpp"
#include "launcher/confidential/guest_policy_option.hpp"
#include "launcher/confidential/launch_plan.hpp"
#include "launcher/vm/guest_ram.hpp"
#include "libos-abi/enclave_abi.h"
#include "sev/sim/software_psp.hpp"

namespace er::launcher {
namespace {

sev::PlatformReport nothing_offered() {
    sev::PlatformReport r;
    r.snp.missing = {"CPU has no CPUID leaf 0x8000001F", "no /dev/sev"};
    r.es.missing = {"CPU has no CPUID leaf 0x8000001F"};
    r.sev.missing = {"CPU has no CPUID leaf 0x8000001F"};
    return r;
}

TEST(ConfidentialMode, NamesParse) {
    EXPECT_EQ(confidential_request_from("auto"), ConfidentialRequest::automatic);
    EXPECT_EQ(confidential_request_from("snp"), ConfidentialRequest::snp);
    EXPECT_EQ(confidential_request_from("sim"), ConfidentialRequest::sim);
    EXPECT_EQ(confidential_request_from("off"), ConfidentialRequest::off);
    EXPECT_THROW(confidential_request_from("tdx"), Error);
    EXPECT_THROW(confidential_request_from("SNP"), Error);
}

TEST(ConfidentialMode, NamedModeTheHostLacksIsOneLineWithPlatformsReasons) {
    try {
        choose_confidential(ConfidentialRequest::snp, nothing_offered());
        FAIL() << "snp accepted without SEV";
    } catch (const Error& e) {
        std::string what = e.what();
        EXPECT_EQ(what,
                  "--confidential snp: this host cannot run SEV-SNP guests: CPU has no CPUID leaf "
                  "0x8000001F; no /dev/sev");
        EXPECT_EQ(what.find('\n'), std::string::npos);
    }
    EXPECT_THROW(choose_confidential(ConfidentialRequest::es, nothing_offered()), Error);
    EXPECT_THROW(choose_confidential(ConfidentialRequest::sev, nothing_offered()), Error);
}

TEST(ConfidentialMode, AutoWithoutSevFallsBackWithOneWarning) {
    ConfidentialChoice c = choose_confidential(ConfidentialRequest::automatic, nothing_offered());
    EXPECT_EQ(c.mode, uint32_t{ER_CC_OFF});
    EXPECT_NE(c.warning.find("no SEV on this host (CPU has no CPUID leaf 0x8000001F"),
              std::string::npos);
    EXPECT_NE(c.warning.find("not hardware-backed"), std::string::npos);
}

TEST(ConfidentialMode, AutoNeverPicksTheSimulator) {
    sev::PlatformReport r = nothing_offered();
    EXPECT_NE(choose_confidential(ConfidentialRequest::automatic, r).mode, uint32_t{ER_CC_SIM});
    EXPECT_EQ(choose_confidential(ConfidentialRequest::sim, r).mode, uint32_t{ER_CC_SIM});
    EXPECT_TRUE(choose_confidential(ConfidentialRequest::sim, r).warning.empty());
}

TEST(ConfidentialMode, OfferedModeThatThisBuildCannotBootIsSaidNotHidden) {
    sev::PlatformReport r;
    r.snp.available = true;
    ConfidentialChoice c = choose_confidential(ConfidentialRequest::automatic, r);
    EXPECT_EQ(c.mode, uint32_t{ER_CC_OFF});
    EXPECT_NE(c.warning.find("the host offers SEV-SNP"), std::string::npos);
    EXPECT_THROW(choose_confidential(ConfidentialRequest::snp, r), Error);
}

TEST(GuestPolicyOption, ItemsSetTheirBits) {
    sev::GuestPolicy p = guest_policy_from("debug,nosmt,abi=1.55");
    EXPECT_TRUE(p.debug);
    EXPECT_FALSE(p.smt);
    EXPECT_EQ(p.abi_major, 1);
    EXPECT_EQ(p.abi_minor, 55);
    EXPECT_EQ(p.snp_policy() & (1ull << 19), 1ull << 19);  // DEBUG
    EXPECT_EQ(p.snp_policy() & (1ull << 16), 0u);          // SMT
    EXPECT_FALSE(guest_policy_from("abi=0.0").debug);
    EXPECT_THROW(guest_policy_from("debug,"), Error);
    EXPECT_THROW(guest_policy_from("abi=1"), Error);
    EXPECT_THROW(guest_policy_from("abi=256.0"), Error);
    EXPECT_THROW(guest_policy_from("migrate"), Error);
}

KernelImage fake_kernel() {
    return KernelImage{ER_KERNEL_VBASE + 0x100000, 0x100000, 0x123456, {}};
}

TEST(LaunchPlan, RegionsAscendDoNotOverlapAndAreWholePages) {
    DomainLayout domains;
    domains.free_start = ER_GPA_IMAGES + 0x7000;
    for (uint32_t mode : {ER_CC_SNP, ER_CC_SIM, ER_CC_SEV_ES, ER_CC_SEV}) {
        std::vector<PlannedRegion> r = launch_regions(fake_kernel(), domains, mode);
        ASSERT_FALSE(r.empty());
        for (size_t i = 0; i < r.size(); ++i) {
            EXPECT_EQ(r[i].gpa % 4096, 0u) << r[i].what;
            EXPECT_EQ(r[i].size % 4096, 0u) << r[i].what;
            EXPECT_GT(r[i].size, 0u) << r[i].what;
            if (i > 0) {
                EXPECT_GE(r[i].gpa, r[i - 1].gpa + r[i - 1].size) << r[i].what;
            }
        }
        bool secrets = std::any_of(r.begin(), r.end(), [](const PlannedRegion& p) {
            return p.type == sev::PageType::secrets && p.gpa == ER_GPA_SNP_SECRETS;
        });
        EXPECT_EQ(secrets, mode == ER_CC_SNP || mode == ER_CC_SIM);
        // The shared pages are never part of the launch.
        for (const PlannedRegion& p : r) {
            EXPECT_FALSE(p.gpa <= ER_GPA_HOST_HINTS && ER_GPA_HOST_HINTS < p.gpa + p.size);
            EXPECT_FALSE(p.gpa <= ER_GPA_EVIDENCE && ER_GPA_EVIDENCE < p.gpa + p.size);
        }
        EXPECT_EQ(r.back().gpa + r.back().size, domains.free_start);
        EXPECT_EQ(r.back().type, sev::PageType::normal);
    }
}

TEST(LaunchPlan, VmsaStartsAtTheKernelEntryWithSnpActive) {
    sev::VmsaPage snp = launch_vmsa(0xffffffff80100000ull, ER_CC_SNP);
    sev::VmsaPage es = launch_vmsa(0xffffffff80100000ull, ER_CC_SEV_ES);
    uint64_t rip = 0, features = 0;
    std::memcpy(&rip, snp.data() + 0x178, 8);
    std::memcpy(&features, snp.data() + 0x3B0, 8);
    EXPECT_EQ(rip, 0xffffffff80100000ull);
    EXPECT_EQ(features, 1u);
    std::memcpy(&features, es.data() + 0x3B0, 8);
    EXPECT_EQ(features, 0u);
    EXPECT_EQ(snp, launch_vmsa(0xffffffff80100000ull, ER_CC_SNP));
}

// `measure` and the launch cannot disagree: the software PSP, fed by run_launch() exactly as
// the launcher feeds it, ends with the digest expected_measurement() predicts.
TEST(ExpectedMeasurement, EqualsWhatTheSoftwarePspMeasures) {
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("er-sim-" + std::to_string(::getpid()));
    GuestRam ram(16 << 20);
    GuestMemory& memory = ram.memory();
    for (uint64_t gpa = 0x100000; gpa < 0x124000; gpa += 8)
        memory.write<uint64_t>(gpa, gpa * 31, "k");
    DomainLayout domains;
    domains.domains.resize(1);
    domains.free_start = ER_GPA_IMAGES + 0x3000;
    er_domain_desc desc{};
    std::memcpy(desc.name, "app", 3);
    desc.app_gpa = ER_GPA_IMAGES;
    desc.app_size = 0x2100;
    desc.args_gpa = ER_GPA_IMAGES + 0x2100;
    desc.args_size = 4;
    desc.argc = 1;
    desc.isolation = ER_ISO_PAGETABLE;
    memory.write(ER_GPA_DOMAINS, desc, "table");
    memory.write<uint32_t>(ER_GPA_IMAGES + 0x2100, 0x00707061, "args");  // "app\0"

    ExpectedMeasurement m = expected_measurement(memory, fake_kernel(), domains, ER_CC_SIM, true);
    {
        sev::sim::SoftwarePsp psp(sev::sim::SimIdentity::load_or_create(dir));
        run_launch(psp, memory, launch_regions(fake_kernel(), domains, ER_CC_SIM), {},
                   fake_kernel().entry, ER_CC_SIM, sev::HostData{});
        EXPECT_EQ(psp.measurement(), m.snp_launch_digest);
    }
    ASSERT_EQ(m.log.size(), 1u);
    EXPECT_EQ(m.log[0].name, "app");
    EXPECT_EQ(m.log[0].isolation, "page-table");
    // A changed byte of the app changes the prediction.
    memory.write<uint8_t>(ER_GPA_IMAGES + 5, 0xEE, "app");
    EXPECT_NE(
        expected_measurement(memory, fake_kernel(), domains, ER_CC_SIM, true).snp_launch_digest,
        m.snp_launch_digest);
    std::filesystem::remove_all(dir);
}

// SEV and SEV-ES: GCTX.LD is SHA-256 over every LAUNCH_UPDATE_DATA buffer in order (the normal
// regions), then SEV-ES's VMSA.
TEST(ExpectedMeasurement, SevDigestIsSha256OfTheNormalRegionsInOrder) {
    GuestRam ram(16 << 20);
    GuestMemory& memory = ram.memory();
    for (uint64_t gpa = 0x1000; gpa < 0x20000; gpa += 8) memory.write<uint64_t>(gpa, ~gpa, "low");
    DomainLayout domains;
    domains.free_start = ER_GPA_IMAGES;
    ExpectedMeasurement sev = expected_measurement(memory, fake_kernel(), domains, ER_CC_SEV, true);
    ExpectedMeasurement es =
        expected_measurement(memory, fake_kernel(), domains, ER_CC_SEV_ES, true);

    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ASSERT_EQ(EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr), 1);
    for (const PlannedRegion& r : launch_regions(fake_kernel(), domains, ER_CC_SEV)) {
        if (r.type != sev::PageType::normal) continue;
        auto bytes = memory.view(r.gpa, r.size, r.what);
        EVP_DigestUpdate(ctx, bytes.data(), bytes.size());
    }
    attest::Digest256 want{};
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx, want.data(), &len);
    EVP_MD_CTX_free(ctx);
    EXPECT_EQ(sev.sev_launch_digest, want);
    EXPECT_NE(es.sev_launch_digest, want);  // plus the VMSA
}

}  // namespace
}  // namespace er::launcher
