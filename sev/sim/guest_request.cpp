// TEST DOUBLE (software PSP, simulated, not hardware): SNP_GUEST_REQUEST for MSG_REPORT_REQ,
// handled as the firmware does (SNP ABI 56860 chapter 8 "Guest Messages", notes/sev.md §3.8):
// header checks, the expected sequence number, AES-256-GCM with VMPCK0 (IV = MSG_SEQNO as a
// 96-bit little-endian number, AAD = header bytes [0x30, 0x60), tag in AUTHTAG[0..16)), then an
// encrypted MSG_REPORT_RSP with MSG_SEQNO + 1.  Any failure: a firmware status, no response.
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "attestation/openssl_ptr.hpp"
#include "libos-abi/snp_guest_msg.h"
#include "sev/sim/sim_platform.hpp"
#include "sev/sim/sim_report.hpp"
#include "sev/sim/software_psp.hpp"

namespace er::sev::sim {

namespace {

using CipherCtxPtr =
    std::unique_ptr<EVP_CIPHER_CTX, er::attest::OpensslDeleter<EVP_CIPHER_CTX_free>>;
using Iv = std::array<std::uint8_t, ER_SNP_GCM_IV_SIZE>;
constexpr std::size_t kHdrSize = sizeof(er_snp_msg_hdr);
constexpr std::size_t kAadOffset = 0x30;

Iv iv_for(std::uint64_t seqno) {
    Iv iv{};
    for (int i = 0; i < 8; ++i) iv[i] = static_cast<std::uint8_t>(seqno >> (8 * i));
    return iv;
}

CipherCtxPtr gcm_context(const std::uint8_t* key, const Iv& iv, bool encrypt) {
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx ||
        EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()),
                            nullptr) != 1 ||
        EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key, iv.data(), encrypt) != 1)
        return nullptr;
    return ctx;
}

// Decrypts `in` into `out` (same length); false when the tag does not authenticate.
bool gcm_open(const std::uint8_t* key, const Iv& iv, std::span<const std::uint8_t> aad,
              std::span<const std::uint8_t> in, const std::uint8_t* tag, std::uint8_t* out) {
    CipherCtxPtr ctx = gcm_context(key, iv, false);
    int len = 0;
    std::uint8_t tag_copy[ER_SNP_GCM_TAG_SIZE];
    std::memcpy(tag_copy, tag, sizeof tag_copy);
    return ctx &&
           EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) ==
               1 &&
           EVP_DecryptUpdate(ctx.get(), out, &len, in.data(), static_cast<int>(in.size())) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, sizeof tag_copy, tag_copy) == 1 &&
           EVP_DecryptFinal_ex(ctx.get(), out + len, &len) == 1;
}

bool gcm_seal(const std::uint8_t* key, const Iv& iv, std::span<const std::uint8_t> aad,
              std::span<const std::uint8_t> in, std::uint8_t* out, std::uint8_t* tag) {
    CipherCtxPtr ctx = gcm_context(key, iv, true);
    int len = 0;
    return ctx &&
           EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) ==
               1 &&
           EVP_EncryptUpdate(ctx.get(), out, &len, in.data(), static_cast<int>(in.size())) == 1 &&
           EVP_EncryptFinal_ex(ctx.get(), out + len, &len) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, ER_SNP_GCM_TAG_SIZE, tag) == 1;
}

bool all_zero(const std::uint8_t* p, std::size_t n) {
    return std::all_of(p, p + n, [](std::uint8_t b) { return b == 0; });
}

// The header a MSG_REPORT_REQ must carry; anything else is refused before decryption.
bool header_acceptable(const er_snp_msg_hdr& h) {
    return h.algo == ER_SNP_AEAD_AES_256_GCM && h.hdr_version == ER_SNP_MSG_HDR_VERSION &&
           h.hdr_size == kHdrSize && h.msg_type == ER_SNP_MSG_REPORT_REQ &&
           h.msg_version == ER_SNP_MSG_VERSION && h.msg_size == sizeof(er_snp_report_req) &&
           h.msg_size <= ER_SNP_MSG_PAYLOAD_MAX && h.msg_vmpck == 0 &&
           all_zero(h.rsvd1, sizeof h.rsvd1) && h.rsvd2 == 0 && all_zero(h.rsvd3, sizeof h.rsvd3);
}

}  // namespace

std::vector<std::uint8_t> SoftwarePsp::report_response(std::span<const std::uint8_t> plain) const {
    er_snp_report_req req{};
    std::memcpy(&req, plain.data(), sizeof req);
    er_snp_report_rsp rsp{};
    std::vector<std::uint8_t> out(sizeof rsp);
    // The guest (at VMPL0) may ask for a report at its own or a less privileged VMPL; only a
    // VCEK exists here, so asking for the VLEK is an invalid key selection.
    if (req.vmpl > 3 || !all_zero(req.rsvd, sizeof req.rsvd) || req.key_sel > 2) {
        rsp.status = static_cast<std::uint32_t>(kFwInvalidParam);
    } else if (req.key_sel == 2) {
        rsp.status = static_cast<std::uint32_t>(kFwInvalidKey);
    } else {
        ReportInputs in;
        in.policy = policy_;
        in.vmpl = req.vmpl;
        std::memcpy(in.report_data.data(), req.report_data, sizeof req.report_data);
        in.measurement = digest_.value();
        in.host_data = host_data_;
        in.report_id = report_id_;
        ReportBytes report = build_signed_report(in, identity_);
        rsp.report_size = static_cast<std::uint32_t>(report.size());
        out.insert(out.end(), report.begin(), report.end());
    }
    std::memcpy(out.data(), &rsp, sizeof rsp);
    return out;
}

std::uint64_t SoftwarePsp::handle_guest_request(
    std::span<const std::uint8_t, kGuestMessagePage> request,
    std::span<std::uint8_t, kGuestMessagePage> response) {
    std::lock_guard lock(request_mutex_);
    if (state_ != State::finished) return kFwInvalidGuestState;  // no running guest yet
    er_snp_msg_hdr req_hdr{};
    std::memcpy(&req_hdr, request.data(), kHdrSize);
    if (!header_acceptable(req_hdr)) return kFwInvalidParam;
    // Each sequence number is used once: a replayed or skipped one never reaches the cipher.
    if (req_hdr.msg_seqno != next_seqno_) return kFwInvalidParam;
    if (next_seqno_ > UINT64_MAX - 2) return kFwAeadOverflow;

    std::vector<std::uint8_t> plain(req_hdr.msg_size);
    const Iv req_iv = iv_for(req_hdr.msg_seqno);
    if (!gcm_open(vmpck_[0].data(), req_iv, request.subspan(kAadOffset, kHdrSize - kAadOffset),
                  request.subspan(kHdrSize, req_hdr.msg_size), req_hdr.authtag, plain.data()))
        return kFwInvalidParam;  // the tag does not authenticate: wrong key or altered bytes

    const std::vector<std::uint8_t> payload = report_response(plain);
    std::array<std::uint8_t, kGuestMessagePage> out{};
    er_snp_msg_hdr rsp_hdr{};
    rsp_hdr.msg_seqno = req_hdr.msg_seqno + 1;
    rsp_hdr.algo = ER_SNP_AEAD_AES_256_GCM;
    rsp_hdr.hdr_version = ER_SNP_MSG_HDR_VERSION;
    rsp_hdr.hdr_size = kHdrSize;
    rsp_hdr.msg_type = ER_SNP_MSG_REPORT_RSP;
    rsp_hdr.msg_version = req_hdr.msg_version;
    rsp_hdr.msg_size = static_cast<std::uint16_t>(payload.size());
    rsp_hdr.msg_vmpck = 0;
    std::memcpy(out.data(), &rsp_hdr, kHdrSize);
    std::uint8_t tag[ER_SNP_GCM_TAG_SIZE];
    if (!gcm_seal(vmpck_[0].data(), iv_for(rsp_hdr.msg_seqno),
                  std::span<const std::uint8_t>(out).subspan(kAadOffset, kHdrSize - kAadOffset),
                  payload, out.data() + kHdrSize, tag))
        throw SimError(std::string(kSimNotice) +
                       ": AES-256-GCM encryption failed: " + er::attest::openssl_last_error());
    std::memcpy(out.data(), tag, sizeof tag);  // AUTHTAG[0..16), the rest stays zero
    std::copy(out.begin(), out.end(), response.begin());
    next_seqno_ = req_hdr.msg_seqno + 2;
    return kFwSuccess;
}

}  // namespace er::sev::sim
