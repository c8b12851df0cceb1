// The enclave's own evidence on plain KVM, end to end (docs/attestation.md §1): `enclave-run run
// --attest` boots two domains, the unikernel measures what it loaded and sends the log, and the
// bundle decodes with the verifier's own code to exactly the digests of the app files and of the
// documented argument encoding.  `enclave-attest verify` then refuses it as not hardware-backed.
// One VM run; the refusals of a bad --nonce come before any VM (HostOnly).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "attestation/evidence.hpp"
#include "harness.hpp"

namespace {

using er::test::app;
using er::test::enclave;
using er::test::expect_one_error_line;
using er::test::kScratch;
using er::test::read_file;
using er::test::Result;

const std::string kEnclaveAttest = ER_ENCLAVE_ATTEST;
const std::string kNonceHex = "00112233445566778899aabbccddeeff0123456789abcdef";

er::attest::Digest384 sha384(const std::string& bytes) {
    er::attest::Digest384 out{};
    unsigned int n = 0;
    EVP_Digest(bytes.data(), bytes.size(), out.data(), &n, EVP_sha384(), nullptr);
    return out;
}

// SHA-384(le32 argc || le32 envc || argv strings then env strings, each NUL-terminated).
er::attest::Digest384 arguments_digest(const std::vector<std::string>& argv,
                                       const std::vector<std::string>& env) {
    std::string in;
    for (uint32_t count : {uint32_t(argv.size()), uint32_t(env.size())}) {
        for (int i = 0; i < 4; ++i) in += static_cast<char>(count >> (8 * i));
    }
    for (const auto* list : {&argv, &env}) {
        for (const std::string& s : *list) in += s + '\0';
    }
    return sha384(in);
}

TEST(Attest, EvidenceCarriesTheGuestsOwnDigestsAndVerifyRefusesIt) {
    ::mkdir(kScratch.c_str(), 0755);
    std::string bundle = kScratch + "/attest-evidence.cbor";
    std::remove(bundle.c_str());
    std::string echo = app("echo-args"), pie = app("hello-pie");
    Result r = enclave({"run", "--attest", "--nonce", kNonceHex, "--evidence", bundle, "-e",
                        "MODE=attest", echo, "one", "two", "---", pie});
    ASSERT_FALSE(r.signaled) << "enclave-run itself died";
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("enclave-run: evidence: " + bundle + " (2 domains, not hardware-backed)"),
              std::string::npos)
        << r.err;

    std::string cbor = read_file(bundle);
    auto ev = er::attest::decode_evidence(
        er::attest::ByteView(reinterpret_cast<const uint8_t*>(cbor.data()), cbor.size()));
    ASSERT_TRUE(ev) << ev.error().message();
    EXPECT_FALSE(ev->hardware_backed);
    EXPECT_EQ(ev->platform, "none");
    EXPECT_EQ(er::attest::to_hex(ev->nonce), kNonceHex);
    ASSERT_EQ(ev->log.size(), 2u);

    const er::attest::DomainEntry& a = ev->log[0];
    EXPECT_EQ(a.name, "echo-args");
    EXPECT_EQ(a.image, sha384(read_file(echo)));
    EXPECT_EQ(a.filesystem, sha384(""));
    EXPECT_EQ(a.arguments, arguments_digest({echo, "one", "two"}, {"MODE=attest"}));
    EXPECT_EQ(a.isolation, "page-table");  // not a PIE: its own page tables
    const er::attest::DomainEntry& b = ev->log[1];
    EXPECT_EQ(b.name, "hello-pie");
    EXPECT_EQ(b.image, sha384(read_file(pie)));
    EXPECT_EQ(b.arguments, arguments_digest({pie}, {"MODE=attest"}));
    // What the summary says it got, in the log's words.
    bool mpk = r.err.find("mpk (space") != std::string::npos;  // only hello-pie can get it
    EXPECT_EQ(b.isolation, mpk ? "mpk" : "page-table") << r.err;

    Result v =
        er::test::run({kEnclaveAttest, "verify", "--evidence", bundle, "--nonce", kNonceHex});
    EXPECT_EQ(v.status, 1) << v.out << v.err;
    EXPECT_NE((v.out + v.err).find("evidence_not_hardware_backed"), std::string::npos)
        << v.out << v.err;
}

TEST(HostOnly, AttestRefusesABadNonceBeforeAnyVm) {
    std::string bundle = kScratch + "/attest-refused.cbor";
    for (const std::string& nonce : {std::string("0011"), std::string("zz11223344556677"),
                                     std::string(130, 'a'), std::string("001122334455667")}) {
        Result r =
            enclave({"run", "--attest", "--nonce", nonce, "--evidence", bundle, app("hello")});
        EXPECT_EQ(r.status, 125);
        expect_one_error_line(r, "--nonce");
    }
    expect_one_error_line(enclave({"run", "--attest", app("hello")}), "--attest needs --evidence");
    expect_one_error_line(enclave({"run", "--nonce", kNonceHex, app("hello")}), "need --attest");
}

}  // namespace
