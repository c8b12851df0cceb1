// TEST DOUBLE (software PSP, simulated, not hardware): report layout and signature.
#include "sev/sim/sim_report.hpp"

#include <openssl/ecdsa.h>

#include <cstring>
#include <string>

#include "sev/sim/sim_platform.hpp"

namespace er::sev::sim {

namespace L = er::attest::report_layout;

namespace {

void put_le32(ReportBytes& r, std::size_t off, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) r[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

void put_le64(ReportBytes& r, std::size_t off, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) r[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

[[noreturn]] void fail(const char* what) {
    throw SimError(std::string(kSimNotice) + ": cannot sign the report: " + what + ": " +
                   er::attest::openssl_last_error());
}

void sign(ReportBytes& r, EVP_PKEY* vcek) {
    er::attest::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha384(), nullptr, vcek) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, r.data(), L::kSignedSize) != 1)
        fail("ECDSA setup");
    er::attest::Bytes der(len);
    if (EVP_DigestSign(ctx.get(), der.data(), &len, r.data(), L::kSignedSize) != 1)
        fail("ECDSA P-384");
    const unsigned char* p = der.data();
    er::attest::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
    if (!sig) fail("decode ECDSA-Sig-Value");
    if (BN_bn2lebinpad(ECDSA_SIG_get0_r(sig.get()), &r[L::kSigR], L::kSigComponentSize) < 0 ||
        BN_bn2lebinpad(ECDSA_SIG_get0_s(sig.get()), &r[L::kSigS], L::kSigComponentSize) < 0)
        fail("store r and s");
}

}  // namespace

ReportBytes build_signed_report(const ReportInputs& in, const SimIdentity& identity) {
    ReportBytes r{};  // every reserved (MBZ) field stays zero
    const std::uint64_t tcb = er::attest::encode_tcb(kSimTcb, kSimProduct);
    put_le32(r, 0x000, kSimReportVersion);
    put_le32(r, 0x004, 0);  // GUEST_SVN: no ID block
    put_le64(r, 0x008, in.policy);
    // FAMILY_ID, IMAGE_ID (0x010, 0x020): zero without an ID block.
    put_le32(r, 0x030, in.vmpl);
    put_le32(r, 0x034, L::kSigAlgoEcdsaP384Sha384);
    put_le64(r, 0x038, tcb);  // CURRENT_TCB
    put_le64(r, 0x040, kSimPlatformInfo);
    put_le32(r, 0x048, 0);  // signer info: AUTHOR_KEY_EN 0, MASK_CHIP_KEY 0, SIGNING_KEY 0 VCEK
    std::memcpy(&r[0x050], in.report_data.data(), 64);
    std::memcpy(&r[0x090], in.measurement.data(), 48);
    std::memcpy(&r[0x0C0], in.host_data.data(), 32);
    // ID_KEY_DIGEST, AUTHOR_KEY_DIGEST (0x0E0, 0x110): zero without an ID block.
    std::memcpy(&r[0x140], in.report_id.data(), 32);
    std::memset(&r[0x160], 0xFF, 32);  // REPORT_ID_MA: no migration agent
    put_le64(r, 0x180, tcb);           // REPORTED_TCB: the TCB the VCEK was made for
    r[0x188] = kSimCpuidFamily;
    r[0x189] = kSimCpuidModel;
    r[0x18A] = kSimCpuidStepping;
    std::memcpy(&r[0x1A0], identity.chip_id().data(), 64);
    put_le64(r, 0x1E0, tcb);  // COMMITTED_TCB
    r[0x1E8] = kSimFwBuild;   // CURRENT_BUILD, _MINOR, _MAJOR
    r[0x1E9] = kSimFwMinor;
    r[0x1EA] = kSimFwMajor;
    r[0x1EC] = kSimFwBuild;  // COMMITTED_BUILD, _MINOR, _MAJOR
    r[0x1ED] = kSimFwMinor;
    r[0x1EE] = kSimFwMajor;
    put_le64(r, 0x1F0, tcb);  // LAUNCH_TCB
    sign(r, identity.vcek_key());
    return r;
}

}  // namespace er::sev::sim
