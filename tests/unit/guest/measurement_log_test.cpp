// The guest's measurement log (unikernel/attest/measurement_log.cpp) against the verifier's own
// code (er::attest, attestation/src/measurement_log.cpp): the canonical CBOR of each entry, the
// log digest after each append and REPORT_DATA must be equal byte for byte, or a verifier would
// refuse every genuine bundle (evidence_log_binding).  The per-domain digests are checked against
// OpenSSL over the documented inputs.
#include "attest/measurement_log.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "attestation/evidence.hpp"

namespace {

using er::attest::Bytes;
using er::attest::Digest384;
using uk::attest::DomainBytes;
using uk::attest::MeasurementLog;

Digest384 openssl_sha384(const void* data, size_t len) {
    Digest384 out{};
    unsigned int n = 0;
    EVP_Digest(data, len, out.data(), &n, EVP_sha384(), nullptr);
    return out;
}

Digest384 to_digest(const uint8_t (&d)[ER_DIGEST384]) {
    Digest384 out{};
    std::memcpy(out.data(), d, out.size());
    return out;
}

// The verifier's view of a guest entry.
er::attest::DomainEntry host_view(const er_evidence_entry& e) {
    er::attest::DomainEntry out;
    out.name.assign(e.name, strnlen(e.name, ER_DOMAIN_NAME_MAX));
    out.image = to_digest(e.image);
    out.filesystem = to_digest(e.filesystem);
    out.arguments = to_digest(e.arguments);
    out.isolation = e.isolation == ER_ISO_MPK ? "mpk" : "page-table";
    return out;
}

// An entry with distinct digest bytes and a name of `name_len` characters.
er_evidence_entry make_entry(size_t name_len, uint32_t isolation, uint8_t seed) {
    er_evidence_entry e{};
    for (size_t i = 0; i < name_len; ++i) e.name[i] = static_cast<char>('a' + (i + seed) % 26);
    for (size_t i = 0; i < ER_DIGEST384; ++i) {
        e.image[i] = static_cast<uint8_t>(seed + i);
        e.filesystem[i] = static_cast<uint8_t>(seed * 3 + i);
        e.arguments[i] = static_cast<uint8_t>(seed * 7 + i);
    }
    e.isolation = isolation;
    return e;
}

// Names of 1, 23 and 24 (where the CBOR text head grows a byte), 31 and 32 characters (the
// longest a domain table allows, without a NUL), under both backends.
std::vector<er_evidence_entry> sample_entries() {
    std::vector<er_evidence_entry> out;
    uint8_t seed = 1;
    for (size_t len : {1u, 23u, 24u, 31u, 32u}) {
        out.push_back(make_entry(len, ER_ISO_MPK, seed++));
        out.push_back(make_entry(len, ER_ISO_PAGETABLE, seed++));
    }
    return out;
}

TEST(MeasurementLog, EntryEncodingEqualsTheVerifiersCanonicalEntry) {
    for (const er_evidence_entry& e : sample_entries()) {
        uint8_t cbor[uk::attest::kMaxEntryCbor];
        size_t len = uk::attest::encode_entry(e, cbor);
        Bytes ours(cbor, cbor + len);
        EXPECT_EQ(ours, er::attest::canonical_entry(host_view(e)))
            << "name length " << strnlen(e.name, ER_DOMAIN_NAME_MAX);
    }
}

TEST(MeasurementLog, DigestChainEqualsReplayLogAfterEachAppend) {
    auto log = std::make_unique<MeasurementLog>();
    std::vector<er::attest::DomainEntry> host;
    EXPECT_EQ(to_digest(log->digest()), er::attest::replay_log(host));  // 48 zero bytes
    for (const er_evidence_entry& e : sample_entries()) {
        ASSERT_TRUE(log->append(e));
        host.push_back(host_view(e));
        EXPECT_EQ(to_digest(log->digest()), er::attest::replay_log(host))
            << "after " << host.size() << " entries";
    }
    EXPECT_EQ(log->count(), host.size());
}

TEST(MeasurementLog, OrderMatters) {
    std::vector<er_evidence_entry> entries = sample_entries();
    auto a = std::make_unique<MeasurementLog>();
    auto b = std::make_unique<MeasurementLog>();
    ASSERT_TRUE(a->append(entries[0]) && a->append(entries[1]));
    ASSERT_TRUE(b->append(entries[1]) && b->append(entries[0]));
    EXPECT_NE(to_digest(a->digest()), to_digest(b->digest()));
}

TEST(MeasurementLog, ReportDataEqualsTheVerifiersBinding) {
    auto log = std::make_unique<MeasurementLog>();
    std::vector<er::attest::DomainEntry> host;
    for (const er_evidence_entry& e : sample_entries()) {
        ASSERT_TRUE(log->append(e));
        host.push_back(host_view(e));
    }
    for (size_t nonce_len : {8u, 32u, 33u, 64u}) {
        Bytes nonce(nonce_len);
        for (size_t i = 0; i < nonce_len; ++i) nonce[i] = static_cast<uint8_t>(0xA0 + i);
        uint8_t ours[64];
        uk::attest::binding_report_data(nonce.data(), nonce.size(), log->digest(), ours);
        auto expected = er::attest::binding_report_data(nonce, er::attest::replay_log(host));
        EXPECT_EQ(0, std::memcmp(ours, expected.data(), 64)) << "nonce of " << nonce_len;
    }
}

TEST(MeasurementLog, FillEvidenceCopiesEntriesAndBindsTheNonce) {
    auto log = std::make_unique<MeasurementLog>();
    std::vector<er_evidence_entry> entries = sample_entries();
    std::vector<er::attest::DomainEntry> host;
    for (size_t i = 0; i < 3; ++i) {
        ASSERT_TRUE(log->append(entries[i]));
        host.push_back(host_view(entries[i]));
    }
    auto ev = std::make_unique<er_evidence>();
    std::memset(ev.get(), 0xEE, sizeof *ev);  // stale bytes must not survive
    Bytes nonce(16, 0x5A);
    uk::attest::fill_evidence(*log, nonce.data(), nonce.size(), *ev);
    EXPECT_EQ(ev->count, 3u);
    EXPECT_EQ(ev->report_size, 0u);
    auto expected = er::attest::binding_report_data(nonce, er::attest::replay_log(host));
    EXPECT_EQ(0, std::memcmp(ev->report_data, expected.data(), 64));
    for (size_t i = 0; i < 3; ++i)
        EXPECT_EQ(0, std::memcmp(&ev->entries[i], &entries[i], sizeof entries[i]));
    er_evidence_entry zero{};
    EXPECT_EQ(0, std::memcmp(&ev->entries[3], &zero, sizeof zero));
    EXPECT_EQ(ev->report[0], 0);
}

TEST(MeasurementLog, RefusesUnknownIsolationAndAFullLog) {
    auto log = std::make_unique<MeasurementLog>();
    EXPECT_FALSE(log->append(make_entry(3, ER_ISO_AUTO, 1)));
    EXPECT_FALSE(log->append(make_entry(3, 7, 1)));
    EXPECT_EQ(log->count(), 0u);
    Digest384 zero{};
    EXPECT_EQ(to_digest(log->digest()), zero);
    for (uint32_t i = 0; i < ER_MAX_DOMAINS; ++i)
        ASSERT_TRUE(log->append(make_entry(4, ER_ISO_MPK, static_cast<uint8_t>(i))));
    Digest384 full = to_digest(log->digest());
    EXPECT_FALSE(log->append(make_entry(4, ER_ISO_MPK, 99)));
    EXPECT_EQ(to_digest(log->digest()), full);
    EXPECT_EQ(log->count(), ER_MAX_DOMAINS);
}

TEST(MeasurementLog, MeasureDomainHashesTheDocumentedInputs) {
    std::vector<uint8_t> image(5000);
    for (size_t i = 0; i < image.size(); ++i) image[i] = static_cast<uint8_t>(i * 31);
    std::vector<uint8_t> fs(300, 0x42);
    const char blob[] = "hello\0-v\0HOME=/\0";  // argc 2, envc 1
    DomainBytes d{};
    d.name = "hello";
    d.image = image.data();
    d.image_size = image.size();
    d.fs = fs.data();
    d.fs_size = fs.size();
    d.args = blob;
    d.args_size = sizeof blob - 1;
    d.argc = 2;
    d.envc = 1;
    d.isolation = ER_ISO_PAGETABLE;
    er_evidence_entry e{};
    std::memset(&e, 0xCC, sizeof e);
    uk::attest::measure_domain(d, e);

    EXPECT_STREQ(e.name, "hello");
    for (size_t i = 5; i < ER_DOMAIN_NAME_MAX; ++i) EXPECT_EQ(e.name[i], '\0');
    EXPECT_EQ(to_digest(e.image), openssl_sha384(image.data(), image.size()));
    EXPECT_EQ(to_digest(e.filesystem), openssl_sha384(fs.data(), fs.size()));
    std::vector<uint8_t> args(8 + sizeof blob - 1);
    args[0] = 2;  // le32 argc
    args[4] = 1;  // le32 envc
    std::memcpy(args.data() + 8, blob, sizeof blob - 1);
    EXPECT_EQ(to_digest(e.arguments), openssl_sha384(args.data(), args.size()));
    EXPECT_EQ(e.isolation, static_cast<uint32_t>(ER_ISO_PAGETABLE));
    EXPECT_EQ(e.pad, 0u);

    // The same strings as three arguments and no environment: another digest.
    d.argc = 3;
    d.envc = 0;
    er_evidence_entry other{};
    uk::attest::measure_domain(d, other);
    EXPECT_NE(to_digest(other.arguments), to_digest(e.arguments));

    // No file system: SHA-384 of no bytes.
    d.fs = nullptr;
    d.fs_size = 0;
    uk::attest::measure_domain(d, other);
    EXPECT_EQ(to_digest(other.filesystem), openssl_sha384("", 0));
}

}  // namespace
