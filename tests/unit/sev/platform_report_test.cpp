// The verdict per mode and the reason for each missing piece, from faked facts.
#include "sev/platform_report.hpp"

#include <gtest/gtest.h>

#include "fake_probe.hpp"

namespace er::sev {
namespace {

using test::FakeProbe;
using Reasons = std::vector<std::string>;

bool has(const Reasons& r, const std::string& line) {
    return std::find(r.begin(), r.end(), line) != r.end();
}

TEST(PlatformReport, ProbesKvmFirstThenCpuidKvmAmdAndDevSev) {
    FakeProbe p = test::build_host();
    probe_platform(p);
    EXPECT_EQ(p.calls, (std::vector<std::string>{"kvm", "cpuid", "kvm_amd", "sev_device"}));
}

TEST(PlatformReport, WithoutKvmEachModeSaysSoFirstAndStillNamesTheCpuAndDevSev) {
    FakeProbe p = test::build_host();
    PlatformReport r = probe_platform(p);
    EXPECT_FALSE(r.best());
    for (Mode m : {Mode::snp, Mode::es, Mode::sev}) {
        const ModeStatus& s = r.mode(m);
        EXPECT_FALSE(s.available) << mode_name(m);
        ASSERT_FALSE(s.missing.empty());
        EXPECT_EQ(s.missing.front(), "no /dev/kvm");
        EXPECT_TRUE(has(s.missing, "CPU has no SEV (CPUID 0x8000001F EAX bit 1 clear)"));
        EXPECT_TRUE(has(s.missing, "kvm_amd is not loaded (no /sys/module/kvm_amd)"));
        EXPECT_TRUE(has(s.missing, "no /dev/sev"));
        // What needs an open /dev/kvm is not asked, so not blamed.
        for (const std::string& why : s.missing)
            EXPECT_EQ(why.find("KVM_"), std::string::npos) << why;
    }
}

TEST(PlatformReport, TheTestVmNamesEachMissingPieceInProbeOrder) {
    FakeProbe p = test::test_vm();
    PlatformReport r = probe_platform(p);
    EXPECT_EQ(r.snp.missing,
              (Reasons{"CPU has no CPUID leaf 0x8000001F (no AMD memory encryption)",
                       "kvm_amd loaded with sev=N", "kvm_amd loaded with sev_es=N",
                       "kvm_amd has no sev_snp parameter (its kernel has no SNP host support, "
                       "Linux 6.11+)",
                       "no /dev/sev",
                       "KVM has no KVM_CAP_VM_TYPES (Linux before 6.8), so no KVM_X86_SNP_VM",
                       "KVM_MEMORY_ENCRYPT_OP answers ENOTTY: SEV is off in this KVM"}));
    EXPECT_EQ(r.es.missing,
              (Reasons{"CPU has no CPUID leaf 0x8000001F (no AMD memory encryption)",
                       "kvm_amd loaded with sev=N", "kvm_amd loaded with sev_es=N", "no /dev/sev",
                       "KVM_MEMORY_ENCRYPT_OP answers ENOTTY: SEV is off in this KVM"}));
    EXPECT_EQ(r.sev.missing,
              (Reasons{"CPU has no CPUID leaf 0x8000001F (no AMD memory encryption)",
                       "kvm_amd loaded with sev=N", "no /dev/sev",
                       "KVM_MEMORY_ENCRYPT_OP answers ENOTTY: SEV is off in this KVM"}));
    EXPECT_FALSE(r.best());
}

TEST(PlatformReport, ASnpHostOffersEveryModeAndSnpIsTheStrongest) {
    FakeProbe p = test::snp_host();
    PlatformReport r = probe_platform(p);
    EXPECT_TRUE(r.snp.available);
    EXPECT_TRUE(r.es.available);
    EXPECT_TRUE(r.sev.available);
    EXPECT_TRUE(r.snp.missing.empty());
    EXPECT_EQ(r.best(), Mode::snp);
}

// An SEV host on a kernel before 6.11: no sev_snp parameter, the ccp driver refuses the command.
TEST(PlatformReport, AnOlderKernelLosesSnpOnlyAndSaysWhy) {
    FakeProbe p = test::snp_host();
    p.params.sev_snp = test::absent();
    p.kvm_facts.vm_types = 1u;
    p.device.snp_status.reset();
    p.device.snp_status_failure = SevCommandFailure{EINVAL, 0};
    PlatformReport r = probe_platform(p);
    EXPECT_FALSE(r.snp.available);
    EXPECT_EQ(r.snp.missing,
              (Reasons{"kvm_amd has no sev_snp parameter (its kernel has no SNP host support, "
                       "Linux 6.11+)",
                       "SNP_PLATFORM_STATUS on /dev/sev failed: Invalid argument (the ccp driver "
                       "predates SNP, Linux 6.11, or SNP is not initialised)",
                       "KVM does not offer KVM_X86_SNP_VM (KVM_CAP_VM_TYPES = 0x1)"}));
    EXPECT_TRUE(r.es.available);
    EXPECT_EQ(r.best(), Mode::es);
}

TEST(PlatformReport, AsidSplitDecidesBetweenSevAndSevEs) {
    FakeProbe all_es = test::snp_host();
    all_es.leaf->edx = 510;  // every ASID for SEV-ES/SNP
    PlatformReport r = probe_platform(all_es);
    EXPECT_TRUE(r.snp.available);
    EXPECT_EQ(r.sev.missing,
              (Reasons{"no ASIDs for SEV guests (CPUID 0x8000001F: minimum SEV ASID 510 > 509 "
                       "encrypted guests)"}));

    FakeProbe no_es = test::snp_host();
    no_es.leaf->edx = 1;  // no ASID for SEV-ES/SNP
    r = probe_platform(no_es);
    EXPECT_TRUE(r.sev.available);
    Reasons want{"no ASIDs for SEV-ES/SNP guests (CPUID 0x8000001F EDX: minimum SEV ASID 1)"};
    EXPECT_EQ(r.es.missing, want);
    EXPECT_EQ(r.snp.missing, want);
    EXPECT_EQ(r.best(), Mode::sev);
}

TEST(PlatformReport, CpuBitsAreBlamedPerMode) {
    FakeProbe p = test::snp_host();
    p.leaf->eax &= ~(1u << 4);  // no SNP
    PlatformReport r = probe_platform(p);
    EXPECT_EQ(r.snp.missing, (Reasons{"CPU has no SEV-SNP (CPUID 0x8000001F EAX bit 4 clear)"}));
    EXPECT_TRUE(r.es.available);
}

TEST(PlatformReport, DevSevThatCannotBeOpenedOrAnsweredIsNamedWithErrno) {
    FakeProbe p = test::snp_host();
    p.device.open_err = EACCES;
    p.device.status.reset();
    p.device.snp_status.reset();
    PlatformReport r = probe_platform(p);
    for (Mode m : {Mode::snp, Mode::es, Mode::sev})
        EXPECT_EQ(r.mode(m).missing, (Reasons{"cannot open /dev/sev: Permission denied"}));

    FakeProbe q = test::snp_host();
    q.device.status.reset();
    q.device.status_failure = SevCommandFailure{EIO, 0x13};
    r = probe_platform(q);
    EXPECT_EQ(r.sev.missing,
              (Reasons{"SEV_PLATFORM_STATUS on /dev/sev failed: Input/output error (firmware "
                       "status 0x13)"}));
}

TEST(PlatformReport, KvmWithSevOffIsBlamedEvenWhenTheParametersSayOn) {
    FakeProbe p = test::snp_host();
    p.kvm_facts.encrypt_op_err = ENOTTY;
    PlatformReport r = probe_platform(p);
    EXPECT_EQ(r.sev.missing,
              (Reasons{"KVM_MEMORY_ENCRYPT_OP answers ENOTTY: SEV is off in this KVM"}));
    EXPECT_FALSE(r.best());
}

TEST(PlatformReport, KvmThatCannotBeOpenedIsNamedWithErrno) {
    FakeProbe p = test::snp_host();
    p.kvm_facts = KvmSevFacts{};
    p.kvm_facts.present = true;
    p.kvm_facts.open_err = EACCES;
    PlatformReport r = probe_platform(p);
    EXPECT_EQ(r.sev.missing, (Reasons{"cannot open /dev/kvm: Permission denied"}));
}

}  // namespace
}  // namespace er::sev
