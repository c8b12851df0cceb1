#include "launcher/vm/boot_info.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "launcher/common/error.hpp"

namespace er::launcher {
namespace {

TEST(BootInfo, AllFieldsFromTheConfiguration) {
    BootConfig config{};
    config.mem_size = 64 << 20;
    config.timer_period_us = 10'000;
    config.attest = true;
    config.confidential = ER_CC_SIM;
    KernelImage kernel{0xffffffff80100000ull, 0x100000, 0x180000, {}};
    DomainLayout domains;
    domains.domains.resize(3);
    domains.free_start = ER_GPA_IMAGES + 0x5000;

    er_boot_info bi = make_boot_info(config, kernel, domains);
    EXPECT_EQ(bi.magic, ER_BOOT_MAGIC);
    EXPECT_EQ(bi.abi_version, ER_ABI_VERSION);
    EXPECT_EQ(bi.size, sizeof(er_boot_info));
    EXPECT_EQ(bi.mem_size, 64u << 20);
    EXPECT_EQ(bi.free_start, ER_GPA_IMAGES + 0x5000);
    EXPECT_EQ(bi.kernel_start, 0x100000u);
    EXPECT_EQ(bi.kernel_end, 0x180000u);
    // ABI 2: the single-app fields are zero; the domain table describes the apps.
    EXPECT_EQ(bi.app_gpa, 0u);
    EXPECT_EQ(bi.app_size, 0u);
    EXPECT_EQ(bi.args_gpa, 0u);
    EXPECT_EQ(bi.args_size, 0u);
    EXPECT_EQ(bi.argc, 0u);
    EXPECT_EQ(bi.envc, 0u);
    EXPECT_EQ(bi.domains_gpa, ER_GPA_DOMAINS);
    EXPECT_EQ(bi.domain_count, 3u);
    EXPECT_EQ(bi.pad0, 0u);
    // ABI 4: nothing that changes from run to run is in the (measured) boot info.
    EXPECT_EQ(bi.tsc_khz, 0u);
    EXPECT_EQ(bi.boot_realtime_ns, 0u);
    EXPECT_TRUE(std::all_of(bi.entropy, bi.entropy + 32, [](uint8_t v) { return v == 0; }));
    EXPECT_EQ(bi.flags, ER_BOOT_F_ATTEST);
    EXPECT_EQ(bi.timer_period_us, 10'000u);
    EXPECT_TRUE(std::all_of(bi.reserved, bi.reserved + 8, [](uint64_t v) { return v == 0; }));
    EXPECT_EQ(bi.hints_gpa, ER_GPA_HOST_HINTS);
    EXPECT_EQ(bi.confidential, uint32_t{ER_CC_SIM});
}

TEST(BootInfo, SameConfigurationSameBytes) {
    BootConfig config{};
    config.mem_size = 32 << 20;
    KernelImage kernel{};
    DomainLayout domains;
    er_boot_info a = make_boot_info(config, kernel, domains);
    er_boot_info b = make_boot_info(config, kernel, domains);
    EXPECT_EQ(0, std::memcmp(&a, &b, sizeof a));
}

TEST(HostHints, CarryWhatChangesPerRun) {
    HostFacts facts{};
    facts.tsc_khz = 2'500'000;
    facts.realtime_ns = 1'700'000'000'000'000'000ull;
    for (int i = 0; i < 32; ++i) facts.entropy[i] = static_cast<uint8_t>(i * 7);
    facts.nonce.assign(16, 0xAB);
    er_host_hints h = make_host_hints(facts);
    EXPECT_EQ(h.magic, ER_HINTS_MAGIC);
    EXPECT_EQ(h.tsc_khz, 2'500'000u);
    EXPECT_EQ(h.flags, ER_BOOT_F_TSC_STABLE);
    EXPECT_EQ(h.realtime_ns, facts.realtime_ns);
    EXPECT_TRUE(std::equal(h.entropy, h.entropy + 32, facts.entropy));
    EXPECT_EQ(h.nonce_len, 16u);
    EXPECT_EQ(h.nonce[15], 0xAB);
    EXPECT_EQ(h.nonce[16], 0);
}

TEST(HostHints, NoTscFrequencyMeansNoStableFlag) {
    HostFacts facts{};
    er_host_hints h = make_host_hints(facts);
    EXPECT_EQ(h.tsc_khz, 0u);
    EXPECT_EQ(h.flags & ER_BOOT_F_TSC_STABLE, 0u);
    EXPECT_EQ(h.nonce_len, 0u);
}

TEST(HostHints, NonceOfTheWrongLengthIsRefused) {
    HostFacts facts{};
    facts.nonce.assign(7, 1);
    EXPECT_THROW(make_host_hints(facts), Error);
    facts.nonce.assign(65, 1);
    EXPECT_THROW(make_host_hints(facts), Error);
}

TEST(BootInfo, EntropyDiffersBetweenCalls) {
    uint8_t a[32], b[32];
    fill_entropy(a);
    fill_entropy(b);
    EXPECT_FALSE(std::equal(a, a + 32, b));
}

}  // namespace
}  // namespace er::launcher
