#include <gtest/gtest.h>

#include "attestation/report.hpp"
#include "test_double_pki.hpp"
#include "vectors.hpp"

namespace er::attest::testing {
namespace {

std::string hex(ByteView b) {
    return to_hex(b);
}

TEST(ReportParser, GenuineVectorsParseWithDocumentedFields) {
    for (const auto& v : genuine_vectors()) {
        SCOPED_TRACE(v.name);
        auto r = parse_report(load_report(v.report));
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_EQ(r->version, v.version);
        EXPECT_EQ(r->signing_key, v.signing_key);
        EXPECT_EQ(r->signature_algo, 1u);
    }
}

TEST(ReportParser, VirteeMilanFieldsMatchReadme) {
    auto r = parse_report(load_report("virtee-sev/report_milan.hex"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->policy, 0x30000u);
    EXPECT_EQ(r->platform_info, 1u);
    EXPECT_EQ(hex(r->measurement),
              "7a1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d3e1a0dc39b2c60bd95b9"
              "c480cd81841f");
    EXPECT_EQ(hex(r->report_id),
              "92b3b47d59f0a2a10a74c5678868a80238cf593c01a82f3cffb878e904c28d5b");
    EXPECT_EQ(r->reported_tcb, 0x7308000000000003u);
    TcbVersion tcb = decode_tcb(r->reported_tcb, Product::milan);
    EXPECT_EQ(tcb, (TcbVersion{0, 3, 0, 8, 115}));
    EXPECT_EQ(r->current_fw.major, 1);
    EXPECT_EQ(r->current_fw.minor, 52);
    EXPECT_EQ(r->current_fw.build, 4);
    EXPECT_FALSE(r->cpuid_family.has_value());  // v2 has no CPUID fields
    EXPECT_FALSE(r->product().has_value());     // and a full chip id: Milan or Genoa, ambiguous
}

TEST(ReportParser, TrusteeReportDistinguishesCurrentFromReportedTcb) {
    auto r = parse_report(load_report("trustee/test-report.bin"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->guest_svn, 4u);
    EXPECT_EQ(r->policy, 0x3001fu);
    EXPECT_EQ(decode_tcb(r->reported_tcb, Product::milan).microcode, 115);
    EXPECT_EQ(decode_tcb(r->current_tcb, Product::milan).microcode, 206);
}

TEST(ReportParser, V3CpuidSelectsProduct) {
    auto vlek = parse_report(load_report("trustee/test-vlek-report.bin"));
    ASSERT_TRUE(vlek);
    EXPECT_EQ(*vlek->cpuid_family, 25);
    EXPECT_EQ(*vlek->cpuid_model, 1);
    EXPECT_EQ(vlek->product(), Product::milan);
    EXPECT_EQ(vlek->vmpl, 1u);
    auto siena = parse_report(load_report("trustee/e2e-genoa-siena-report-reconstructed.bin"));
    ASSERT_TRUE(siena);
    EXPECT_EQ(*siena->cpuid_model, 0xA0);
    EXPECT_EQ(siena->product(), Product::genoa);
    EXPECT_EQ(decode_tcb(siena->reported_tcb, Product::genoa), (TcbVersion{0, 10, 0, 23, 25}));
}

TEST(ReportParser, Version4And5Parse) {
    TestDoublePki pki;
    ReportFields f;
    f.version = 4;
    auto v4 = parse_report(pki.make_report(f));
    ASSERT_TRUE(v4) << v4.error().message();
    EXPECT_FALSE(v4->launch_mit_vector.has_value());
    f.version = 5;
    auto v5 = parse_report(pki.make_report(f));
    ASSERT_TRUE(v5) << v5.error().message();
    EXPECT_EQ(v5->launch_mit_vector, 0xBu);
    EXPECT_EQ(v5->current_mit_vector, 0xBu);
}

TEST(ReportParser, EveryTruncationIsRefusedAsTruncated) {
    Bytes report = load_report("trustee/test-report.bin");
    for (std::size_t len = 0; len < report.size(); ++len) {
        auto r = parse_report(ByteView(report.data(), len));
        ASSERT_FALSE(r);
        ASSERT_EQ(r.error().reason, Reason::report_truncated) << len;
    }
}

TEST(ReportParser, OversizedIsRefused) {
    Bytes report = load_report("trustee/test-report.bin");
    report.push_back(0);
    auto r = parse_report(report);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, Reason::report_oversized);
}

Reason parse_reason(Bytes report) {
    auto r = parse_report(report);
    return r ? Reason::io_error
             : r.error().reason;  // io_error never comes from the parser: "parsed"
}

TEST(ReportParser, UnknownVersionsAreRefused) {
    Bytes report = load_report("trustee/test-report.bin");
    for (std::uint32_t v : {0u, 1u, 6u, 0xFFFFFFFFu}) {
        Bytes copy = report;
        for (int i = 0; i < 4; ++i) copy[i] = static_cast<std::uint8_t>(v >> (8 * i));
        EXPECT_EQ(parse_reason(copy), Reason::report_unknown_version) << v;
    }
}

TEST(ReportParser, InconsistentFieldsAreRefusedWithPreciseReasons) {
    const Bytes v2 = load_report("virtee-sev/report_milan.hex");
    const Bytes v3 = load_report("trustee/test-vlek-report.bin");
    auto with = [](Bytes b, std::size_t off, std::uint8_t value) {
        b[off] = value;
        return b;
    };
    EXPECT_EQ(parse_reason(with(v2, 0x34, 2)), Reason::report_signature_algo);
    EXPECT_EQ(parse_reason(with(v2, 0x4C, 1)), Reason::report_reserved_nonzero);
    // CPUID bytes are reserved in v2 but meaningful in v3.
    EXPECT_EQ(parse_reason(with(v2, 0x188, 0x19)), Reason::report_reserved_nonzero);
    EXPECT_EQ(parse_reason(with(v3, 0x188, 0x19)), Reason::io_error);
    EXPECT_EQ(parse_reason(with(v3, 0x18B, 1)), Reason::report_reserved_nonzero);
    // Mitigation vectors exist only from v5 on.
    EXPECT_EQ(parse_reason(with(v3, 0x1F8, 1)), Reason::report_reserved_nonzero);
    EXPECT_EQ(parse_reason(with(v3, 0x29F, 1)), Reason::report_reserved_nonzero);
    EXPECT_EQ(parse_reason(with(v3, 0x330, 1)), Reason::report_reserved_nonzero);
    EXPECT_EQ(parse_reason(with(v3, 0x49F, 1)), Reason::report_reserved_nonzero);
    EXPECT_EQ(parse_reason(with(v2, 0x4B, 0x80)),
              Reason::report_reserved_nonzero);  // signer info bit 31
    EXPECT_EQ(parse_reason(with(v2, 0x0A, 0x01)),
              Reason::report_policy_mbo_clear);  // bit 17 cleared
    EXPECT_EQ(parse_reason(with(v2, 0x48, 3 << 2)), Reason::report_signing_key);
}

TEST(ReportParser, HexReportFilesDecode) {
    auto hex_file = load_report_file(data_path("virtee-sev/report_milan.hex"));
    ASSERT_TRUE(hex_file);
    EXPECT_EQ(hex_file->size(), report_layout::kSize);
}

}  // namespace
}  // namespace er::attest::testing
