#include "attestation/signature.hpp"

#include <algorithm>

#include "attestation/report.hpp"

namespace er::attest {

namespace L = report_layout;

namespace {
// P-384 scalars are 48 bytes; the firmware zero-pads them to 72.
constexpr std::size_t kScalarSize = 48;

BignumPtr little_endian_scalar(const std::uint8_t* field) {
    return BignumPtr(BN_lebin2bn(field, kScalarSize, nullptr));
}
}  // namespace

Expected<Bytes> report_signature_der(ByteView report) {
    if (report.size() != L::kSize) {
        return Error{Reason::report_truncated, "report is " + std::to_string(report.size()) +
                                                   " bytes, expected " + std::to_string(L::kSize)};
    }
    const std::uint8_t* r_field = report.data() + L::kSigR;
    const std::uint8_t* s_field = report.data() + L::kSigS;
    const std::size_t pad = L::kSigComponentSize - kScalarSize;
    if (!all_zero(ByteView(r_field + kScalarSize, pad)) ||
        !all_zero(ByteView(s_field + kScalarSize, pad))) {
        return Error{Reason::report_signature, "signature r or s is larger than a P-384 scalar"};
    }
    BignumPtr r = little_endian_scalar(r_field);
    BignumPtr s = little_endian_scalar(s_field);
    EcdsaSigPtr sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
        return Error{Reason::report_signature,
                     "cannot build ECDSA signature: " + openssl_last_error()};
    }
    r.release();  // now owned by sig
    s.release();
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(sig.get(), &der);
    if (len <= 0) return Error{Reason::report_signature, "cannot encode ECDSA signature"};
    Bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

Status verify_report_signature(ByteView report, EVP_PKEY* key) {
    auto der = report_signature_der(report);
    if (!der) return der.error();
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha384(), nullptr, key) != 1) {
        return Error{Reason::report_signature,
                     "cannot set up ECDSA verification: " + openssl_last_error()};
    }
    int rc = EVP_DigestVerify(ctx.get(), der->data(), der->size(), report.data(), L::kSignedSize);
    if (rc != 1) {
        openssl_last_error();
        return Error{Reason::report_signature,
                     "report signature does not verify with the VCEK/VLEK key (ECDSA P-384, "
                     "SHA-384 over [0, 0x2A0))"};
    }
    return ok_status();
}

}  // namespace er::attest
