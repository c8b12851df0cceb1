#include <gtest/gtest.h>

#include "attestation/verifier.hpp"
#include "test_double_pki.hpp"
#include "vectors.hpp"

namespace er::attest::testing {
namespace {

TEST(Tcb, LayoutsFollowTheProduct) {
    // Milan/Genoa: BL byte0, TEE byte1, SNP byte6, UCODE byte7.
    EXPECT_EQ(decode_tcb(0x7308000000000003, Product::milan), (TcbVersion{0, 3, 0, 8, 115}));
    // Turin: FMC byte0, BL byte1, TEE byte2, SNP byte3, UCODE byte7.
    EXPECT_EQ(decode_tcb(0x0900000004030201, Product::turin), (TcbVersion{1, 2, 3, 4, 9}));
    for (Product p : {Product::milan, Product::turin}) {
        TcbVersion t{p == Product::turin ? std::uint8_t{7} : std::uint8_t{0}, 1, 2, 3, 200};
        EXPECT_EQ(decode_tcb(encode_tcb(t, p), p), t);
    }
}

TEST(Tcb, ProductFromCpuidAndKdsNames) {
    EXPECT_EQ(product_from_cpuid(0x19, 0x01), Product::milan);
    EXPECT_EQ(product_from_cpuid(0x19, 0x11), Product::genoa);
    EXPECT_EQ(product_from_cpuid(0x19, 0xA0), Product::genoa);  // Siena
    EXPECT_EQ(product_from_cpuid(0x1A, 0x02), Product::turin);
    EXPECT_EQ(product_from_cpuid(0x1A, 0x50), std::nullopt);  // Venice: no KDS line
    EXPECT_EQ(product_from_kds_name("Milan-B0"), Product::milan);
    EXPECT_EQ(product_from_kds_name("Turin"), Product::turin);
    EXPECT_EQ(product_from_kds_name("Naples"), std::nullopt);
}

// The real trustee report has CURRENT_TCB (ucode 206) != REPORTED_TCB (ucode 115): the VCEK
// matches the reported one. Putting CURRENT into REPORTED must be caught as a TCB mismatch.
TEST(Tcb, CurrentTcbInPlaceOfReportedIsAMismatch) {
    Bytes report = load_report("trustee/test-report.bin");
    std::copy(report.begin() + 0x38, report.begin() + 0x40, report.begin() + 0x180);
    Verdict v = verify_report(*TrustStore::builtin(), report, load_certs({"trustee/test-vcek.der"}),
                              Policy{}, {std::nullopt, kVectorTime});
    EXPECT_TRUE(v.has(Reason::tcb_mismatch));
    EXPECT_TRUE(v.has(Reason::report_signature));  // the edit also breaks the signature
    EXPECT_FALSE(v.trusted());
}

Verdict verify_with(const TestDoublePki& pki, const Bytes& report, const Policy& policy) {
    return verify_report(pki.trust_store(), report, pki.supplied_chain(), policy,
                         {std::nullopt, kTestDoubleTime});
}

std::vector<Reason> reasons(const Verdict& v) {
    std::vector<Reason> out;
    for (const auto& f : v.failures) out.push_back(f.reason);
    return out;
}

class TestDoubleFixture : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = new TestDoublePki(); }
    static void TearDownTestSuite() { delete pki_; }
    static TestDoublePki* pki_;
};
TestDoublePki* TestDoubleFixture::pki_ = nullptr;

TEST_F(TestDoubleFixture, SignedReportWithDefaultPolicyIsTrusted) {
    Verdict v = verify_with(*pki_, pki_->make_report({}), Policy{});
    EXPECT_TRUE(v.trusted()) << (v.failures.empty() ? "" : v.failures[0].message());
}

TEST_F(TestDoubleFixture, TcbMismatchAloneIsNamed) {
    ReportFields f;
    f.reported_tcb = TcbVersion{0, 3, 0, 7, 115};  // signed correctly, but the VCEK is for snp 8
    Verdict v = verify_with(*pki_, pki_->make_report(f), Policy{});
    EXPECT_EQ(reasons(v), std::vector<Reason>{Reason::tcb_mismatch});
    EXPECT_NE(v.failures[0].detail.find("snpSPL report 7 != certificate 8"), std::string::npos);
}

TEST_F(TestDoubleFixture, ChipIdMismatchAloneIsNamed) {
    ReportFields f;
    f.chip_id = std::array<std::uint8_t, 64>{};
    f.chip_id->fill(0x11);
    EXPECT_EQ(reasons(verify_with(*pki_, pki_->make_report(f), Policy{})),
              std::vector<Reason>{Reason::hwid_mismatch});
}

TEST_F(TestDoubleFixture, SigningKeyMustMatchCertificateKind) {
    ReportFields f;
    f.signing_key = SigningKey::vlek;
    EXPECT_EQ(reasons(verify_with(*pki_, pki_->make_report(f), Policy{})),
              std::vector<Reason>{Reason::signing_key_mismatch});
}

TEST_F(TestDoubleFixture, EachPolicyCheckIsNamed) {
    struct Case {
        const char* name;
        ReportFields fields;
        Policy policy;
        Reason expected;
    };
    std::vector<Case> cases;
    {
        Case c{"debug", {}, {}, Reason::policy_debug};
        c.fields.policy |= guest_policy::kDebug;
        cases.push_back(c);
    }
    {
        Case c{"migration agent", {}, {}, Reason::policy_migration_agent};
        c.fields.policy |= guest_policy::kMigrateMa;
        cases.push_back(c);
    }
    {
        Case c{"smt", {}, {}, Reason::policy_smt};
        c.policy.allow_smt = false;
        cases.push_back(c);
    }
    {
        Case c{"measurement", {}, {}, Reason::policy_measurement};
        c.policy.measurements.push_back(Digest384{1});
        cases.push_back(c);
    }
    {
        Case c{"report_data", {}, {}, Reason::policy_report_data};
        c.policy.report_data = std::array<std::uint8_t, 64>{9};
        cases.push_back(c);
    }
    {
        Case c{"host_data", {}, {}, Reason::policy_host_data};
        c.policy.host_data = std::array<std::uint8_t, 32>{9};
        cases.push_back(c);
    }
    {
        Case c{"vmpl", {}, {}, Reason::policy_vmpl};
        c.fields.vmpl = 2;
        cases.push_back(c);
    }
    {
        Case c{"guest svn", {}, {}, Reason::policy_guest_svn};
        c.policy.min_guest_svn = 2;
        cases.push_back(c);
    }
    {
        Case c{"min tcb", {}, {}, Reason::policy_min_tcb};
        c.policy.min_tcb = MinimumTcb{0, 3, 0, 9, 0};
        cases.push_back(c);
    }
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        Verdict v = verify_with(*pki_, pki_->make_report(c.fields), c.policy);
        EXPECT_EQ(reasons(v), std::vector<Reason>{c.expected});
        EXPECT_FALSE(v.trusted());
    }
}

TEST_F(TestDoubleFixture, MatchingExpectationsPassAndAllowancesWork) {
    ReportFields f;
    f.policy |= guest_policy::kDebug | guest_policy::kMigrateMa;
    f.measurement.fill(0xAB);
    f.report_data.fill(0xCD);
    f.host_data.fill(0xEF);
    f.vmpl = 1;
    Policy p;
    p.allow_debug = true;
    p.allow_migration_agent = true;
    p.measurements = {Digest384{}, f.measurement};
    p.report_data = f.report_data;
    p.host_data = f.host_data;
    p.vmpl = 1;
    p.min_tcb = MinimumTcb{0, 3, 0, 8, 115};
    Verdict v = verify_with(*pki_, pki_->make_report(f), p);
    EXPECT_TRUE(v.trusted()) << (v.failures.empty() ? "" : v.failures[0].message());
}

TEST_F(TestDoubleFixture, SeveralFailuresAreAllNamed) {
    ReportFields f;
    f.policy |= guest_policy::kDebug;
    f.vmpl = 3;
    Policy p;
    p.measurements.push_back(Digest384{1});
    auto r = reasons(verify_with(*pki_, pki_->make_report(f), p));
    EXPECT_EQ(r, (std::vector<Reason>{Reason::policy_measurement, Reason::policy_debug,
                                      Reason::policy_vmpl}));
}

TEST(TurinTestDouble, FmcAndEightByteHwidAreChecked) {
    TestDoublePki pki(Product::turin, TcbVersion{2, 3, 0, 8, 40});
    EXPECT_TRUE(verify_with(pki, pki.make_report({}), Policy{}).trusted());
    ReportFields f;
    f.reported_tcb = TcbVersion{1, 3, 0, 8, 40};
    EXPECT_EQ(reasons(verify_with(pki, pki.make_report(f), Policy{})),
              std::vector<Reason>{Reason::tcb_mismatch});
}

TEST(PolicyJson, FullPolicyParses) {
    auto p = parse_policy_json(R"({
        "measurements": ["7a1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d3e1a0dc39b2c60bd95b9c480cd81841f"],
        "min_tcb": {"bootloader": 3, "snp": 8, "microcode": 115},
        "allow_debug": true, "allow_smt": false, "allow_migration_agent": true,
        "report_data": "0102", "host_data": "ff", "vmpl": null, "min_guest_svn": 2, "nonce": "0011223344556677",
        "domains": [{"name": "web", "isolation": "mpk"}]
    })");
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p->measurements.size(), 1u);
    EXPECT_EQ(p->min_tcb->microcode, 115);
    EXPECT_TRUE(p->allow_debug);
    EXPECT_FALSE(p->allow_smt);
    EXPECT_EQ((*p->report_data)[1], 0x02);
    EXPECT_EQ((*p->report_data)[2], 0x00);
    EXPECT_FALSE(p->vmpl.has_value());
    EXPECT_EQ(p->domains[0].isolation, "mpk");
}

TEST(PolicyJson, BadPoliciesAreRefused) {
    for (const char* text : {"[]", "{\"alow_debug\": true}", "{\"measurements\": [\"abcd\"]}",
                             "{\"report_data\": \"zz\"}", "{\"min_tcb\": {\"snp\": 300}}",
                             "{\"vmpl\": \"zero\"}", "{not json"}) {
        auto p = parse_policy_json(text);
        ASSERT_FALSE(p) << text;
        EXPECT_EQ(p.error().reason, Reason::policy_invalid) << text;
    }
}

}  // namespace
}  // namespace er::attest::testing
