#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "attestation/verifier.hpp"
#include "test_double_pki.hpp"
#include "vectors.hpp"

namespace er::attest::testing {
namespace {

DomainEntry domain(const std::string& name, std::uint8_t seed, const std::string& isolation) {
    DomainEntry e;
    e.name = name;
    e.image.fill(seed);
    e.filesystem.fill(static_cast<std::uint8_t>(seed + 1));
    e.arguments.fill(static_cast<std::uint8_t>(seed + 2));
    e.isolation = isolation;
    return e;
}

Digest384 sha384(ByteView data) {
    Digest384 out{};
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha384(), nullptr);
    return out;
}

TEST(MeasurementLog, CanonicalEntryIsDeterministicCbor) {
    DomainEntry e = domain("app", 0x10, "mpk");
    Bytes expected = {0x85, 0x63, 'a', 'p', 'p', 0x58, 0x30};
    expected.insert(expected.end(), 48, 0x10);
    expected.insert(expected.end(), {0x58, 0x30});
    expected.insert(expected.end(), 48, 0x11);
    expected.insert(expected.end(), {0x58, 0x30});
    expected.insert(expected.end(), 48, 0x12);
    expected.insert(expected.end(), {0x63, 'm', 'p', 'k'});
    EXPECT_EQ(canonical_entry(e), expected);
}

TEST(MeasurementLog, ReplayIsAnSha384ExtendChain) {
    std::vector<DomainEntry> log = {domain("a", 1, "mpk"), domain("b", 7, "page-table")};
    Bytes step(48, 0);
    for (const DomainEntry& e : log) {
        Digest384 h = sha384(canonical_entry(e));
        step.insert(step.end(), h.begin(), h.end());
        Digest384 next = sha384(step);
        step.assign(next.begin(), next.end());
    }
    Digest384 replayed = replay_log(log);
    EXPECT_EQ(Bytes(replayed.begin(), replayed.end()), step);
    EXPECT_EQ(replay_log({}), Digest384{});
    // Order matters: swapping domains changes the digest.
    EXPECT_NE(replay_log({log[1], log[0]}), replayed);
}

class EvidenceTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = new TestDoublePki(); }
    static void TearDownTestSuite() { delete pki_; }

    // Evidence as the launcher would build it: report_data binds nonce and log.
    static Evidence make_evidence() {
        Evidence ev;
        ev.nonce = Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        ev.hardware_backed = true;
        ev.platform = "sev-snp";
        ev.log = {domain("web", 0x20, "mpk"), domain("db", 0x30, "page-table")};
        ReportFields f;
        f.report_data = binding_report_data(ev.nonce, replay_log(ev.log));
        ev.report = pki_->make_report(f);
        ev.certs.push_back(certificate_der(pki_->vcek()));
        ev.certs.push_back(certificate_der(pki_->ask()));
        return ev;
    }
    static Verdict verify(const Bytes& cbor, const Policy& policy = {}) {
        return verify_evidence(pki_->trust_store(), cbor, policy, {std::nullopt, kTestDoubleTime});
    }
    static TestDoublePki* pki_;
};
TestDoublePki* EvidenceTest::pki_ = nullptr;

TEST_F(EvidenceTest, RoundTripPreservesEveryField) {
    Evidence ev = make_evidence();
    auto decoded = decode_evidence(encode_evidence(ev));
    ASSERT_TRUE(decoded) << decoded.error().message();
    EXPECT_EQ(decoded->nonce, ev.nonce);
    EXPECT_EQ(decoded->hardware_backed, true);
    EXPECT_EQ(decoded->platform, "sev-snp");
    EXPECT_EQ(decoded->report, ev.report);
    EXPECT_EQ(decoded->certs, ev.certs);
    EXPECT_EQ(decoded->log, ev.log);
}

TEST_F(EvidenceTest, BoundEvidenceIsTrusted) {
    Evidence ev = make_evidence();
    Policy p;
    p.nonce = ev.nonce;
    p.domains = {{"web", ev.log[0].image, ev.log[0].filesystem, ev.log[0].arguments, "mpk"},
                 {"db", {}, {}, {}, {}}};
    Verdict v = verify(encode_evidence(ev), p);
    EXPECT_TRUE(v.trusted()) << (v.failures.empty() ? "" : v.failures[0].message());
    EXPECT_EQ(v.log_digest, replay_log(ev.log));
}

TEST_F(EvidenceTest, TamperedLogBreaksTheBinding) {
    Evidence ev = make_evidence();
    ev.log[1].arguments[0] ^= 1;
    Verdict v = verify(encode_evidence(ev));
    EXPECT_FALSE(v.trusted());
    ASSERT_EQ(v.failures.size(), 1u);
    EXPECT_EQ(v.failures[0].reason, Reason::evidence_log_binding);
    // Dropping a domain breaks it too.
    Evidence dropped = make_evidence();
    dropped.log.pop_back();
    EXPECT_TRUE(verify(encode_evidence(dropped)).has(Reason::evidence_log_binding));
}

TEST_F(EvidenceTest, WrongNonceIsNamed) {
    Evidence ev = make_evidence();
    Policy p;
    p.nonce = Bytes(16, 0xEE);
    Verdict v = verify(encode_evidence(ev), p);
    ASSERT_EQ(v.failures.size(), 1u);
    EXPECT_EQ(v.failures[0].reason, Reason::evidence_nonce);
}

TEST_F(EvidenceTest, DomainPolicyNamesMissingChangedAndExtraDomains) {
    Evidence ev = make_evidence();
    Policy p;
    p.domains = {{"web", Digest384{}, {}, {}, {}}, {"cache", {}, {}, {}, {}}};
    Verdict v = verify(encode_evidence(ev), p);
    ASSERT_EQ(v.failures.size(), 1u);
    EXPECT_EQ(v.failures[0].reason, Reason::policy_domain);
    for (const char* part :
         {"'web' image digest differs", "'cache' is missing", "'db' is not in the policy"})
        EXPECT_NE(v.failures[0].detail.find(part), std::string::npos) << part;
}

TEST_F(EvidenceTest, PlainKvmEvidenceIsNeverTrusted) {
    Evidence ev;
    ev.nonce = Bytes(8, 1);
    ev.hardware_backed = false;
    ev.platform = "none";
    ev.log = {domain("web", 0x20, "page-table")};
    Policy permissive;
    permissive.allow_debug = true;
    permissive.allow_migration_agent = true;
    permissive.vmpl.reset();
    Verdict v = verify(encode_evidence(ev), permissive);
    EXPECT_FALSE(v.trusted());
    EXPECT_FALSE(v.hardware_backed);
    EXPECT_TRUE(v.has(Reason::evidence_not_hardware_backed));
}

Reason decode_reason(const Bytes& cbor) {
    auto d = decode_evidence(cbor);
    return d ? Reason::io_error : d.error().reason;
}

TEST_F(EvidenceTest, EveryTruncationIsRefused) {
    Bytes cbor = encode_evidence(make_evidence());
    for (std::size_t len = 0; len < cbor.size(); ++len) {
        ASSERT_EQ(decode_reason(Bytes(cbor.begin(), cbor.begin() + len)),
                  Reason::evidence_malformed)
            << len;
    }
    Bytes trailing = cbor;
    trailing.push_back(0);
    EXPECT_EQ(decode_reason(trailing), Reason::evidence_malformed);
}

TEST_F(EvidenceTest, SchemaViolationsAreRefused) {
    auto refused = [](Evidence ev, const char* why) {
        auto d = decode_evidence(encode_evidence(ev));
        ASSERT_FALSE(d) << why;
        EXPECT_EQ(d.error().reason, Reason::evidence_malformed) << why;
    };
    Evidence ev = make_evidence();
    {
        Evidence e = ev;
        e.nonce.resize(4);
        refused(e, "short nonce");
    }
    {
        Evidence e = ev;
        e.report->pop_back();
        refused(e, "short report");
    }
    {
        Evidence e = ev;
        e.hardware_backed = false;
        refused(e, "sev-snp without hardware_backed");
    }
    {
        Evidence e = ev;
        e.platform = "tdx";
        refused(e, "unknown platform");
    }
    {
        Evidence e = ev;
        e.log[0].isolation = "none";
        refused(e, "unknown isolation");
    }
    {
        Evidence e = ev;
        e.log[1].name = e.log[0].name;
        refused(e, "duplicate domain");
    }
}

TEST_F(EvidenceTest, HandCraftedMalformedCborIsRefused) {
    const std::vector<Bytes> cases = {
        {0xFF},                                                  // break outside indefinite item
        {0x1C},                                                  // reserved additional info
        {0xA0},                                                  // empty map: missing keys
        {0x80},                                                  // array, not map
        {0xBF, 0xFF},                                            // indefinite map
        {0xA2, 0x0A, 0x41, 0x00, 0x0A, 0x41, 0x00},              // duplicate key 10
        {0xA1, 0x63, 'f', 'o', 'o', 0x00},                       // unknown key
        {0xA1, 0x62, '1', '0', 0x48, 1, 2, 3, 4, 5, 6, 7, 8},    // text "10" is not claim 10
        {0x5B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},  // absurd length
        // Found by the fuzzer: libcbor would allocate a declared 2^28-element array up front.
        {0xA1, 0x63, 'l', 'o', 'g', 0x9A, 0x0F, 0xFF, 0xFF, 0xFF, 0x00},
        {0xBB, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00},  // 2^32 pairs in 1 byte
    };
    for (const Bytes& c : cases)
        EXPECT_EQ(decode_reason(c), Reason::evidence_malformed) << to_hex(c);
    // Deep nesting is refused before libcbor sees it.
    Bytes deep(200, 0x81);
    deep.push_back(0x00);
    auto d = decode_evidence(deep);
    ASSERT_FALSE(d);
    EXPECT_NE(d.error().detail.find("nested deeper"), std::string::npos);
    // Every field of the wrong type.
    Bytes cbor = encode_evidence(make_evidence());
    for (std::size_t i = 0; i < cbor.size(); i += 7) {
        Bytes copy = cbor;
        copy[i] ^= 0xE0;  // changes major types, lengths or content: must never crash
        (void)decode_evidence(copy);
    }
}

}  // namespace
}  // namespace er::attest::testing
