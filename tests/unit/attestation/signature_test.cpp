#include <gtest/gtest.h>

#include "attestation/signature.hpp"
#include "attestation/verifier.hpp"
#include "vectors.hpp"

namespace er::attest::testing {
namespace {

TEST(ReportSignature, EveryGenuineVectorVerifiesEndToEnd) {
    auto store = TrustStore::builtin();
    ASSERT_TRUE(store);
    for (const auto& v : genuine_vectors()) {
        SCOPED_TRACE(v.name);
        Policy policy;
        policy.allow_debug = true;  // go-sev-guest's guest was launched with debug on
        policy.vmpl.reset();        // the AWS VLEK report was requested at VMPL 1
        Verdict verdict = verify_report(*store, load_report(v.report), load_certs(v.certs), policy,
                                        VerifyOptions{std::nullopt, kVectorTime});
        for (const auto& f : verdict.failures) ADD_FAILURE() << f.message();
        EXPECT_TRUE(verdict.trusted());
        EXPECT_EQ(verdict.product, v.product);
    }
}

TEST(ReportSignature, SignatureFieldTamperingFails) {
    auto store = TrustStore::builtin();
    auto chain = verify_chain(*store, load_certs({"virtee-sev/vcek_milan.der"}),
                              ChainOptions{{}, kVectorTime});
    ASSERT_TRUE(chain) << chain.error().message();
    Bytes report = load_report("virtee-sev/report_milan.hex");
    ASSERT_TRUE(verify_report_signature(report, chain->leaf_key.get()));
    for (std::size_t off : {report_layout::kSigR, report_layout::kSigR + 47, report_layout::kSigS,
                            report_layout::kSigS + 47}) {
        Bytes copy = report;
        copy[off] ^= 0x01;
        auto s = verify_report_signature(copy, chain->leaf_key.get());
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error().reason, Reason::report_signature) << off;
    }
    // A scalar wider than P-384 (byte 48 of the 72-byte field) is refused outright.
    Bytes wide = report;
    wide[report_layout::kSigR + 48] = 1;
    EXPECT_EQ(verify_report_signature(wide, chain->leaf_key.get()).error().reason,
              Reason::report_signature);
}

// Every single-bit flip of the signed area [0, 0x2A0) must fail, and the verifier must
// name the signature as the reason. 5376 verifications with the chain parsed once.
void flip_every_bit(const GenuineVector& v) {
    auto store = TrustStore::builtin();
    ASSERT_TRUE(store);
    auto chain = verify_chain(*store, load_certs(v.certs), ChainOptions{v.product, kVectorTime});
    ASSERT_TRUE(chain) << chain.error().message();
    ReportVerifier verifier(std::move(*chain));
    Policy policy;
    policy.allow_debug = true;
    policy.vmpl.reset();
    Bytes report = load_report(v.report);
    ASSERT_TRUE(verifier.verify(report, policy).trusted());
    std::size_t failures_named = 0;
    for (std::size_t bit = 0; bit < report_layout::kSignedSize * 8; ++bit) {
        report[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        Verdict verdict = verifier.verify(report, policy);
        report[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        ASSERT_FALSE(verdict.trusted()) << "bit " << bit;
        ASSERT_FALSE(verdict.signature_verified) << "bit " << bit;
        ASSERT_TRUE(verdict.has(Reason::report_signature)) << "bit " << bit;
        ++failures_named;
    }
    EXPECT_EQ(failures_named, 5376u);
}

TEST(ReportSignature, EverySignedBitFlipFailsWithSignatureReason_MilanV2) {
    flip_every_bit(genuine_vectors()[0]);
}

TEST(ReportSignature, EverySignedBitFlipFailsWithSignatureReason_VlekV3) {
    flip_every_bit(genuine_vectors()[3]);
}

TEST(ReportSignature, WrongVcekFailsSignatureTcbAndHwid) {
    // go-sev-guest's report checked against virtee's (different chip, different TCB) VCEK.
    auto store = TrustStore::builtin();
    Policy policy;
    policy.allow_debug = true;
    Verdict verdict = verify_report(*store, load_report("go-sev-guest/attestation.bin"),
                                    load_certs({"virtee-sev/vcek_milan.der"}), policy,
                                    {std::nullopt, kVectorTime});
    EXPECT_FALSE(verdict.trusted());
    EXPECT_TRUE(verdict.has(Reason::report_signature));
    EXPECT_TRUE(verdict.has(Reason::tcb_mismatch));
    EXPECT_TRUE(verdict.has(Reason::hwid_mismatch));
}

}  // namespace
}  // namespace er::attest::testing
