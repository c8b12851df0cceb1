// What the verifier tells its user (issue 15, item 7): nothing unauthenticated is reported as
// ok, failures come in check order, dates and hints are in the message, warnings for a weak
// policy, and the product of a v2 report from its certificates.
#include <gtest/gtest.h>

#include "attestation/chain.hpp"
#include "attestation/verifier.hpp"
#include "test_double_pki.hpp"
#include "vectors.hpp"

namespace er::attest::testing {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::vector<Reason> reasons(const Verdict& v) {
    std::vector<Reason> out;
    for (const auto& f : v.failures) out.push_back(f.reason);
    return out;
}

class UnauthenticatedFields : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = new TestDoublePki(); }
    static void TearDownTestSuite() { delete pki_; }
    static Verdict verify(const Bytes& report, const Policy& policy) {
        return verify_report(pki_->trust_store(), report, pki_->supplied_chain(), policy,
                             {std::nullopt, kTestDoubleTime});
    }
    static TestDoublePki* pki_;
};
TestDoublePki* UnauthenticatedFields::pki_ = nullptr;

TEST_F(UnauthenticatedFields, NoFieldPassesOnceTheSignatureFailed) {
    ReportFields f;
    f.measurement.fill(0x42);
    Bytes report = pki_->make_report(f);
    Policy policy;
    policy.measurements = {f.measurement};
    ASSERT_TRUE(verify(report, policy).trusted());

    report[0x1A0] ^= 1;  // one bit of CHIP_ID: the signature no longer covers these bytes
    Verdict v = verify(report, policy);
    EXPECT_FALSE(v.trusted());
    // Only the chain (verified independently of the report) passes; the measurement still
    // matches the policy but is not listed, since nobody signed it.
    EXPECT_EQ(v.passed, std::vector<std::string>{"certificate_chain"});
    // Failures still name what the unsigned bytes get wrong, after the signature.
    EXPECT_EQ(reasons(v), (std::vector<Reason>{Reason::report_signature, Reason::hwid_mismatch}));
}

TEST_F(UnauthenticatedFields, FailuresOfUnsignedFieldsFollowTheSignatureInCheckOrder) {
    ReportFields f;
    f.policy |= guest_policy::kDebug;
    f.vmpl = 2;
    Bytes report = pki_->make_report(f);
    report[0x90] ^= 1;  // MEASUREMENT
    Policy policy;
    policy.measurements = {Digest384{}};
    EXPECT_EQ(reasons(verify(report, policy)),
              (std::vector<Reason>{Reason::report_signature, Reason::policy_measurement,
                                   Reason::policy_debug, Reason::policy_vmpl}));
}

TEST_F(UnauthenticatedFields, EvidenceNonceAndLogDoNotPassWithoutASignedBinding) {
    Evidence ev;
    ev.nonce = Bytes(16, 7);
    ev.hardware_backed = true;
    ev.platform = "sev-snp";
    DomainEntry web;
    web.name = "web";
    web.isolation = "mpk";
    ev.log = {web};
    ReportFields f;
    f.report_data = binding_report_data(ev.nonce, replay_log(ev.log));
    ev.report = pki_->make_report(f);
    ev.certs.push_back(certificate_der(pki_->vcek()));
    Policy policy;
    policy.nonce = ev.nonce;
    policy.domains = {{"web", {}, {}, {}, {}}};
    auto check = [&](const Evidence& e) {
        return verify_evidence(pki_->trust_store(), encode_evidence(e), policy,
                               {std::nullopt, kTestDoubleTime});
    };
    Verdict good = check(ev);
    ASSERT_TRUE(good.trusted());
    EXPECT_EQ(good.passed.front(), "nonce");
    EXPECT_EQ(good.passed[1], "domains");

    (*ev.report)[0x30] ^= 1;  // VMPL, inside the signed area
    Verdict bad = check(ev);
    EXPECT_FALSE(bad.trusted());
    EXPECT_EQ(bad.passed, std::vector<std::string>{"certificate_chain"});
    EXPECT_EQ(reasons(bad), (std::vector<Reason>{Reason::report_signature, Reason::policy_vmpl}));
}

TEST_F(UnauthenticatedFields, NoPinnedMeasurementWarns) {
    Bytes report = pki_->make_report({});
    Verdict open = verify(report, Policy{});
    EXPECT_TRUE(open.trusted());
    ASSERT_EQ(open.warnings.size(), 1u);
    EXPECT_TRUE(contains(open.warnings[0], "no measurement pinned"));
    EXPECT_TRUE(contains(open.warnings[0], "any guest on genuine AMD hardware"));

    Policy pinned;
    pinned.measurements = {Digest384{}};
    Verdict v = verify(report, pinned);
    EXPECT_TRUE(v.trusted());
    EXPECT_TRUE(v.warnings.empty());
}

TEST(ChainCheckOrder, ForgedSignatureIsNamedBeforeAnyValidityWindow) {
    // 2020-01-01: before the Milan ARK's notBefore, and this VCEK's signature is broken. The
    // signatures (check 8) come before the validity windows (check 9).
    std::time_t before_ark = 1577836800;
    auto chain = verify_chain(builtin(), load_certs({"trustee/test-vcek-invalid-new.der"}),
                              {Product::milan, before_ark});
    ASSERT_FALSE(chain);
    EXPECT_EQ(chain.error().reason, Reason::chain_signature) << chain.error().message();
    // A genuine chain at that time fails on the dates alone.
    auto genuine = verify_chain(builtin(), load_certs({"trustee/test-vcek.der"}),
                                {Product::milan, before_ark});
    ASSERT_FALSE(genuine);
    EXPECT_EQ(genuine.error().reason, Reason::chain_not_yet_valid);
}

TEST(ChainValidity, FailuresPrintTheWindowAndTheTimeChecked) {
    std::time_t after_vlek = 1767225600;  // 2026-01-01
    auto expired = verify_chain(builtin(), load_certs({"trustee/test-vlek.der"}),
                                {Product::milan, after_vlek});
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().reason, Reason::chain_expired);
    EXPECT_TRUE(contains(expired.error().detail,
                         "valid from 2024-12-10T22:14:21Z to 2025-12-10T22:14:21Z, checked at "
                         "2026-01-01T00:00:00Z"))
        << expired.error().detail;

    std::time_t before_vcek = 1672531200;  // 2023-01-01, the VCEK is from 2023-01-24
    auto early = verify_chain(builtin(), load_certs({"trustee/test-vcek.der"}),
                              {Product::milan, before_vcek});
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().reason, Reason::chain_not_yet_valid);
    EXPECT_TRUE(contains(early.error().detail, "VCEK 'SEV-VCEK' is not yet valid"));
    EXPECT_TRUE(contains(early.error().detail,
                         "valid from 2023-01-24T17:58:26Z to "
                         "2030-01-24T17:58:26Z, checked at "
                         "2023-01-01T00:00:00Z"))
        << early.error().detail;
}

TEST(ChainValidity, FailedChainStillNamesTheProductItsCertificatesClaim) {
    Verdict v =
        verify_report(builtin(), load_report("trustee/test-report.bin"),
                      load_certs({"trustee/test-vcek.der"}), Policy{}, {std::nullopt, 1577836800});
    EXPECT_EQ(reasons(v), std::vector<Reason>{Reason::chain_not_yet_valid});
    EXPECT_EQ(v.product, Product::milan);  // a v2 report: from the VCEK, not "unknown"
}

// An Azure HCL report as the vTPM returns it (2600 bytes): 32-byte header, the SNP report,
// then IGVM request data whose report_type 2 says SNP, then variable data.
Bytes hcl_wrap(const Bytes& snp) {
    Bytes hcl(2600, 0);
    const char magic[] = {'H', 'C', 'L', 'A'};
    std::copy(std::begin(magic), std::end(magic), hcl.begin());
    std::copy(snp.begin(), snp.end(), hcl.begin() + 32);
    hcl[32 + 1184 + 8] = 2;
    return hcl;
}

TEST(HclReport, OversizedErrorSaysWhereTheSnpReportSits) {
    Bytes snp = load_report("trustee/test-report.bin");
    Bytes hcl = hcl_wrap(snp);
    auto parsed = parse_report(hcl);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().reason, Reason::report_oversized);
    EXPECT_TRUE(contains(parsed.error().detail, "2600 bytes"));
    EXPECT_TRUE(contains(parsed.error().detail, "Azure HCL report"));
    EXPECT_TRUE(contains(parsed.error().detail, "skip=32 count=1184")) << parsed.error().detail;
    // The hint is right: the bytes it points at are the report.
    Bytes inner(hcl.begin() + 32, hcl.begin() + 32 + 1184);
    EXPECT_EQ(inner, snp);
    EXPECT_TRUE(parse_report(inner));
    // The same size without the HCL shape gets no hint.
    auto plain = parse_report(Bytes(2600, 0));
    ASSERT_FALSE(plain);
    EXPECT_FALSE(contains(plain.error().detail, "HCL"));
    Bytes not_snp = hcl;
    not_snp[32 + 1184 + 8] = 4;  // a TDX report inside
    EXPECT_FALSE(contains(parse_report(not_snp).error().detail, "HCL"));
}

TEST(ProductFromCertificates, NamesTheLineOfAV2Report) {
    EXPECT_EQ(product_from_certificates(load_certs({"virtee-sev/vcek_milan.der"})), Product::milan);
    EXPECT_EQ(product_from_certificates(load_certs({"trustee/e2e-genoa-siena-vcek.der"})),
              Product::genoa);
    EXPECT_EQ(product_from_certificates(load_certs({"virtee-sev/vcek_turin.der"})), Product::turin);
    EXPECT_EQ(product_from_certificates(load_certs({"trustee/test-vlek.der"})), Product::milan);
    // No leaf: the CA names (ASK "SEV-Genoa", ARK "ARK-Genoa") say it.
    EXPECT_EQ(product_from_certificates(load_certs({"amd-ca/ask_ark_genoa.pem"})), Product::genoa);
    EXPECT_EQ(product_from_certificates({}), std::nullopt);
    // The report itself (v2) names none.
    auto r = parse_report(load_report("virtee-sev/report_milan.hex"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->product(), std::nullopt);
}

}  // namespace
}  // namespace er::attest::testing
