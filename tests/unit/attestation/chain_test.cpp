#include <gtest/gtest.h>

#include <fstream>

#include "attestation/chain.hpp"
#include "attestation/verifier.hpp"
#include "vectors.hpp"

namespace er::attest::testing {
namespace {

Reason chain_reason(const std::vector<X509Ptr>& certs, ChainOptions options,
                    const TrustStore& store = builtin()) {
    auto chain = verify_chain(store, certs, options);
    return chain ? Reason::io_error : chain.error().reason;  // io_error: "verified"
}

std::string fingerprint_hex(X509* cert) {
    return to_hex(sha256_fingerprint(cert));
}

TEST(TrustStore, BuiltinRootsArePinnedGenuineAmdRoots) {
    // Fingerprints from tests/data/sev/amd-ca/README.txt.
    const TrustStore& store = builtin();
    ASSERT_NE(store.roots(Product::milan), nullptr);
    EXPECT_EQ(fingerprint_hex(store.roots(Product::milan)->ark.get()),
              "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd");
    EXPECT_EQ(fingerprint_hex(store.roots(Product::milan)->ask.get()),
              "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b");
    EXPECT_EQ(fingerprint_hex(store.roots(Product::milan)->asvk.get()),
              "c5e081f59b7efab1fe2f8b505e159704e72f29cab7ef7cf628a05a42439082f5");
    EXPECT_EQ(fingerprint_hex(store.roots(Product::genoa)->ark.get()),
              "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1");
    EXPECT_EQ(fingerprint_hex(store.roots(Product::turin)->ark.get()),
              "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a");
    EXPECT_EQ(fingerprint_hex(store.roots(Product::turin)->asvk.get()),
              "104e10a8bd060a3c20a434261a57d0588fd65a88915b4f65b08bdecaf8df1a3c");
}

TEST(TrustStore, EveryBuiltinIntermediateIsSignedByItsArk) {
    for (Product p : {Product::milan, Product::genoa, Product::turin}) {
        const ProductRoots* r = builtin().roots(p);
        ASSERT_NE(r, nullptr);
        EXPECT_TRUE(verify_amd_signature(r->ark.get(), r->ark.get(), "ARK"));
        EXPECT_TRUE(verify_amd_signature(r->ask.get(), r->ark.get(), "ASK"));
        EXPECT_TRUE(verify_amd_signature(r->asvk.get(), r->ark.get(), "ASVK"));
        // Cross-product: Milan's ARK does not sign Genoa's ASK, etc.
        Product other = p == Product::milan ? Product::genoa : Product::milan;
        auto s = verify_amd_signature(r->ask.get(), builtin().roots(other)->ark.get(), "ASK");
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error().reason, Reason::chain_signature);
    }
}

TEST(Chain, GenuineChainsVerifyIncludingTurin) {
    auto turin = verify_chain(
        builtin(), load_certs({"virtee-sev/vcek_turin.der", "virtee-sev/cert_chain_turin"}),
        {std::nullopt, kVectorTime});
    ASSERT_TRUE(turin) << turin.error().message();
    EXPECT_EQ(turin->product, Product::turin);
    EXPECT_EQ(to_hex(*turin->extensions.hwid), "1e550a8ee5cf9f4d");
    EXPECT_EQ(turin->extensions.fmc, 0);
    EXPECT_EQ(turin->extensions.microcode, 9);

    auto vlek =
        verify_chain(builtin(), load_certs({"trustee/test-vlek.der"}), {std::nullopt, kVectorTime});
    ASSERT_TRUE(vlek) << vlek.error().message();
    EXPECT_EQ(vlek->kind, LeafKind::vlek);
    EXPECT_EQ(vlek->extensions.microcode, 217);  // encoded 02 02 00 D9
    EXPECT_EQ(vlek->extensions.csp_id, "CN=cc-us-east-2.amazonaws.com");
    EXPECT_EQ(subject_cn(vlek->intermediate.get()), "SEV-VLEK-Milan");
}

TEST(Chain, WrongChainAndSwappedProductRootsAreRefused) {
    // Genoa's ASK+ARK supplied for a Milan VCEK: the supplied ARK is not Milan's pinned one.
    EXPECT_EQ(chain_reason(load_certs({"virtee-sev/vcek_milan.der", "amd-ca/ask_ark_genoa.pem"}),
                           {{}, kVectorTime}),
              Reason::chain_untrusted_root);
    // Only Genoa's ASK supplied: the VCEK names a different issuer.
    auto genoa_ask = load_certs({"amd-ca/ask_ark_genoa.pem"});
    std::vector<X509Ptr> certs = load_certs({"virtee-sev/vcek_milan.der"});
    certs.push_back(std::move(genoa_ask[0]));
    EXPECT_EQ(chain_reason(certs, {{}, kVectorTime}), Reason::chain_issuer_mismatch);
    // Asking for Genoa roots for a Milan VCEK.
    EXPECT_EQ(
        chain_reason(load_certs({"virtee-sev/vcek_milan.der"}), {Product::genoa, kVectorTime}),
        Reason::product_mismatch);
    // A trust store whose only root is Genoa's has nothing for Milan.
    TrustStore genoa_only;
    ASSERT_TRUE(genoa_only.add(load_certs({"amd-ca/ask_ark_genoa.pem"}), "test"));
    EXPECT_EQ(
        chain_reason(load_certs({"virtee-sev/vcek_milan.der"}), {{}, kVectorTime}, genoa_only),
        Reason::chain_untrusted_root);
    // A VLEK needs the ASVK: the VCEK ASK does not sign it.
    std::vector<X509Ptr> vlek = load_certs({"trustee/test-vlek.der"});
    vlek.push_back(std::move(load_certs({"amd-ca/ask_ark_milan.pem"})[0]));
    EXPECT_EQ(chain_reason(vlek, {{}, kVectorTime}), Reason::chain_issuer_mismatch);
}

TEST(Chain, TamperedVcekIsRefused) {
    Bytes der = *read_file(data_path("virtee-sev/vcek_milan.der"));
    // The upstream negative test: byte 40 inside the signed TBSCertificate.
    Bytes tbs_flip = der;
    tbs_flip[40] ^= 0xFF;
    auto certs = load_certificates(tbs_flip, "flipped");
    if (certs) {
        EXPECT_EQ(chain_reason(*certs, {Product::milan, kVectorTime}), Reason::chain_signature);
    } else {
        EXPECT_EQ(certs.error().reason, Reason::cert_malformed);
    }
    // The last byte is inside the RSA-PSS signature value.
    Bytes sig_flip = der;
    sig_flip.back() ^= 0x01;
    auto sig_certs = load_certificates(sig_flip, "flipped");
    ASSERT_TRUE(sig_certs);
    EXPECT_EQ(chain_reason(*sig_certs, {{}, kVectorTime}), Reason::chain_signature);
}

TEST(Chain, ValidityWindowIsCheckedAtTheGivenTime) {
    auto certs = load_certs({"virtee-sev/vcek_milan.der"});
    EXPECT_EQ(chain_reason(certs, {{}, kVectorTime}), Reason::io_error);
    EXPECT_EQ(chain_reason(certs, {{}, 4102444800 /* 2100-01-01 */}), Reason::chain_expired);
    // Before the VCEK was issued (2023-04-03) but after the ARK (2020).
    EXPECT_EQ(chain_reason(certs, {{}, 1640995200 /* 2022-01-01 */}), Reason::chain_not_yet_valid);
    // The AWS VLEK expired on 2025-12-10.
    EXPECT_EQ(
        chain_reason(load_certs({"trustee/test-vlek.der"}), {{}, 1767225600 /* 2026-01-01 */}),
        Reason::chain_expired);
}

TEST(Chain, MissingLeafIsNamed) {
    EXPECT_EQ(chain_reason(load_certs({"amd-ca/ask_ark_milan.pem"}), {{}, kVectorTime}),
              Reason::chain_missing_cert);
}

TEST(KdsExtensions, RawAndOctetStringWrappedHwidDecodeAlike) {
    auto legacy = load_certs({"trustee/test-vcek-invalid-legacy.der"});
    auto tagged = load_certs({"trustee/test-vcek-invalid-new.der"});
    auto a = read_kds_extensions(legacy[0].get());
    auto b = read_kds_extensions(tagged[0].get());
    ASSERT_TRUE(a) << a.error().message();
    ASSERT_TRUE(b) << b.error().message();
    ASSERT_TRUE(a->hwid && b->hwid);
    EXPECT_EQ(a->hwid->size(), 64u);
    EXPECT_EQ(b->hwid->size(), 64u);
    // These two are synthetic with bad signatures: the chain must refuse them.
    EXPECT_EQ(chain_reason(legacy, {Product::milan, kVectorTime}), Reason::chain_signature);
    EXPECT_EQ(chain_reason(tagged, {Product::milan, kVectorTime}), Reason::chain_signature);
}

TEST(Certificates, GarbageIsRefusedAsMalformed) {
    for (Bytes junk : {Bytes{}, Bytes{0x30, 0x82, 0xFF}, Bytes(100, 0x41)}) {
        auto c = load_certificates(junk, "junk");
        ASSERT_FALSE(c);
        EXPECT_EQ(c.error().reason, Reason::cert_malformed);
    }
    std::string broken_pem =
        "-----BEGIN CERTIFICATE-----\nnot base64!!\n-----END CERTIFICATE-----\n";
    auto c = load_certificates(
        ByteView(reinterpret_cast<const std::uint8_t*>(broken_pem.data()), broken_pem.size()),
        "pem");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().reason, Reason::cert_malformed);
}

}  // namespace
}  // namespace er::attest::testing
