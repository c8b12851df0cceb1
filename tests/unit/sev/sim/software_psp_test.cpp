// The software PSP's launch commands (TEST DOUBLE, simulated, not hardware): the digest is the
// one SnpLaunchDigest computes over the same pages, the secrets page is firmware-shaped, and
// commands out of order are refused.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <set>
#include <vector>

#include "attestation/launch_digest.hpp"
#include "libos-abi/snp_guest_msg.h"
#include "sev/sim/software_psp.hpp"
#include "sim_test_support.hpp"

namespace er::sev::sim {
namespace {

using er::attest::SnpLaunchDigest;
using er::attest::SnpPageType;
using testing::load_identity;

std::vector<std::uint8_t> pattern(std::size_t pages, std::uint8_t seed) {
    std::vector<std::uint8_t> v(pages * 4096);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint8_t>(seed + i * 7);
    return v;
}

TEST(SoftwarePsp, DigestEqualsSnpLaunchDigestOverTheSamePages) {
    SoftwarePsp psp(load_identity());
    psp.start(GuestPolicy{});
    EXPECT_EQ(psp.policy(), 0x30000u);  // SMT + the must-be-one bit

    std::vector<std::uint8_t> code = pattern(3, 0x11), zeros = pattern(2, 0x22),
                              unmeasured = pattern(1, 0x33), cpuid = pattern(1, 0x44),
                              secrets(4096, 0x55);
    psp.update({0x100000, PageType::normal, code});
    psp.update({0x200000, PageType::zero, zeros});
    psp.update({0x300000, PageType::unmeasured, unmeasured});
    psp.update({0x400000, PageType::cpuid, cpuid});
    psp.update({0x401000, PageType::secrets, secrets});
    std::vector<VmsaPage> vmsas(2);
    vmsas[0].fill(0xA0);
    vmsas[1].fill(0xA1);
    HostData host_data{};
    host_data[0] = 0x77;
    psp.finish(vmsas, host_data);

    SnpLaunchDigest want;
    ASSERT_TRUE(want.add_range(0x100000, SnpPageType::normal, pattern(3, 0x11)));
    ASSERT_TRUE(want.add_pages(0x200000, SnpPageType::zero, 2));
    ASSERT_TRUE(want.add_pages(0x300000, SnpPageType::unmeasured, 1));
    ASSERT_TRUE(want.add_pages(0x400000, SnpPageType::cpuid, 1));
    ASSERT_TRUE(want.add_pages(0x401000, SnpPageType::secrets, 1));
    for (const VmsaPage& v : vmsas) want.add_vmsa(er::attest::PageView(v));
    EXPECT_EQ(psp.measurement(), want.value());
    EXPECT_TRUE(psp.finished());
    EXPECT_EQ(psp.host_data(), host_data);

    // Zero pages are zeroed by the PSP; unmeasured and CPUID pages are left as given.
    EXPECT_EQ(zeros, std::vector<std::uint8_t>(zeros.size(), 0));
    EXPECT_EQ(unmeasured, pattern(1, 0x33));
    EXPECT_EQ(cpuid, pattern(1, 0x44));
}

TEST(SoftwarePsp, DigestMatchesThePublishedSyntheticChain) {
    // notes/sev.md §2.3.4: NORMAL(0xAA)@0xFFFFF000 -> SECRETS@0x80D000 -> CPUID@0x80E000 ->
    // VMSA(all-zero page).
    SoftwarePsp psp(load_identity());
    psp.start(GuestPolicy{});
    std::vector<std::uint8_t> normal(4096, 0xAA), secrets(4096), cpuid(4096);
    psp.update({0xFFFFF000, PageType::normal, normal});
    psp.update({0x80D000, PageType::secrets, secrets});
    psp.update({0x80E000, PageType::cpuid, cpuid});
    std::vector<VmsaPage> vmsas(1);
    vmsas[0].fill(0);
    psp.finish(vmsas, HostData{});
    EXPECT_EQ(er::attest::to_hex(psp.measurement()),
              "842638ce74eb72ceebfb734ca6573333c4b5d96d3387467b1e6093f02d42699ffd4aca83dfc07a71da1"
              "db255af64fab7");
}

TEST(SoftwarePsp, SecretsPageHasFourDistinctFreshVmpcks) {
    SoftwarePsp psp(load_identity());
    psp.start(GuestPolicy{});
    std::vector<std::uint8_t> page(4096, 0xEE);  // whatever the host left there is replaced
    psp.update({0x80D000, PageType::secrets, page});

    std::uint32_t version = 0, fms = 0;
    std::memcpy(&version, &page[ER_SNP_SECRETS_VERSION_OFF], 4);
    std::memcpy(&fms, &page[8], 4);
    EXPECT_EQ(version, 3u);
    EXPECT_EQ(fms, 0x00A10F11u);
    std::set<std::vector<std::uint8_t>> keys;
    for (int i = 0; i < 4; ++i) {
        const std::uint8_t* k = &page[ER_SNP_SECRETS_VMPCK0_OFF + i * ER_SNP_VMPCK_SIZE];
        std::vector<std::uint8_t> key(k, k + ER_SNP_VMPCK_SIZE);
        EXPECT_NE(key, std::vector<std::uint8_t>(ER_SNP_VMPCK_SIZE, 0)) << "VMPCK" << i;
        keys.insert(key);
    }
    EXPECT_EQ(keys.size(), 4u);
    // Everything after the keys (OS area, tweak bitmap, SVSM fields) is zero at launch.
    for (std::size_t i = ER_SNP_SECRETS_OS_AREA_OFF; i < page.size(); ++i)
        ASSERT_EQ(page[i], 0) << "offset " << i;

    // Another guest gets other keys.
    SoftwarePsp other(load_identity());
    other.start(GuestPolicy{});
    std::vector<std::uint8_t> page2(4096);
    other.update({0x80D000, PageType::secrets, page2});
    EXPECT_NE(std::memcmp(&page[0x20], &page2[0x20], 128), 0);
}

TEST(SoftwarePsp, RefusesCommandsOutOfOrder) {
    SoftwarePsp psp(load_identity());
    std::vector<std::uint8_t> page(4096);
    std::vector<VmsaPage> vmsas(1);
    EXPECT_THROW(psp.update({0, PageType::normal, page}), LaunchError);
    EXPECT_THROW(psp.finish(vmsas, HostData{}), LaunchError);
    psp.start(GuestPolicy{});
    EXPECT_THROW(psp.start(GuestPolicy{}), LaunchError);
    EXPECT_THROW(psp.update({0x1001, PageType::normal, page}), LaunchError);  // unaligned
    EXPECT_THROW(psp.update({0x1000, PageType::vmsa, page}), LaunchError);
    EXPECT_THROW(psp.finish({}, HostData{}), LaunchError);  // no vCPU
    psp.update({0x1000, PageType::normal, page});
    psp.finish(vmsas, HostData{});
    EXPECT_THROW(psp.update({0x2000, PageType::normal, page}), LaunchError);
    EXPECT_THROW(psp.finish(vmsas, HostData{}), LaunchError);
    try {
        psp.update({0x2000, PageType::normal, page});
    } catch (const LaunchError& e) {
        EXPECT_NE(std::string(e.what()).find("simulated, not hardware"), std::string::npos)
            << e.what();
    }
}

TEST(SoftwarePsp, PolicyBitsFollowTheGuestPolicy) {
    SoftwarePsp psp(load_identity());
    GuestPolicy p;
    p.debug = true;
    p.smt = false;
    p.abi_major = 1;
    p.abi_minor = 55;
    psp.start(p);
    EXPECT_EQ(psp.policy(), (1ull << 19) | (1ull << 17) | (1ull << 8) | 55);
}

TEST(SimIdentity, CreatedOnceWithPrivateFilesAndReused) {
    const auto& dir = testing::identity_dir();
    struct stat st {};
    ASSERT_EQ(::stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    for (const char* key : {"ark.key", "ask.key", "vcek.key"}) {
        ASSERT_EQ(::stat((dir / key).c_str(), &st), 0) << key;
        EXPECT_EQ(st.st_mode & 0777, 0600u) << key;
    }
    SimIdentity a = load_identity(), b = load_identity();
    EXPECT_EQ(a.ark_der(), b.ark_der());
    EXPECT_EQ(a.vcek_der(), b.vcek_der());
    EXPECT_EQ(a.ark_pem_path(), dir / "ark.pem");
    // No temporary file is left behind.
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        EXPECT_NE(entry.path().extension(), ".tmp") << entry.path();
}

}  // namespace
}  // namespace er::sev::sim
