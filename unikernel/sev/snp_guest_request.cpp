// SNP guest messages after the SEV-SNP firmware ABI specification (AMD pub. 56860), chapter 8
// "Guest Messages" (message header, MSG_REPORT_REQ / MSG_REPORT_RSP, AEAD) and the secrets page
// layout; formats in libos-abi/snp_guest_msg.h.
#include "sev/snp_guest_request.hpp"

#include "crypto/aes256_gcm.hpp"
#include "lib/string.hpp"
#include "libos-abi/snp_guest_msg.h"

namespace uk::sev {
namespace {

using crypto::kGcmIvSize;
using crypto::kGcmTagSize;

constexpr size_t kHdrSize = sizeof(er_snp_msg_hdr);  // 0x60: the payload starts here
constexpr size_t kAadOffset = 0x30;                  // AAD = header bytes [0x30, 0x60): from ALGO
constexpr size_t kAadSize = kHdrSize - kAadOffset;
constexpr size_t kRspHeadSize = sizeof(er_snp_report_rsp);         // STATUS, REPORT_SIZE, rsvd
constexpr size_t kRspPayloadSize = kRspHeadSize + kSnpReportSize;  // 0x4C0
constexpr uint8_t kVmpck0 = 0;

static_assert(kHdrSize + kRspPayloadSize <= kSnpMsgPageSize, "a response fits its page");
static_assert(kAadSize == 48, "56860 chapter 8: the AAD is the 48 header bytes from ALGO on");

// Sequence numbers live in a u32 (the secrets page OS area); the response to a request uses the
// next number, so a request number must leave room for it.  0 is never valid (the firmware
// rejects it; Linux treats a counter reaching UINT32_MAX the same way).
constexpr uint64_t kMaxRequestSeqno = 0xFFFFFFFEu;

bool seqno_usable(uint64_t seqno) {
    return seqno != 0 && seqno <= kMaxRequestSeqno;
}

// 56860 chapter 8, AEAD: the IV is MSG_SEQNO as a 96-bit little-endian number.
void iv_from_seqno(uint64_t seqno, uint8_t (&iv)[kGcmIvSize]) {
    for (size_t i = 0; i < kGcmIvSize; ++i)
        iv[i] = i < 8 ? static_cast<uint8_t>(seqno >> (8 * i)) : 0;
}

// The 32-byte key a parameter points at, as the array type the AEAD takes.
const uint8_t (&key_of(const uint8_t* vmpck))[crypto::kAes256KeySize] {
    return *reinterpret_cast<const uint8_t(*)[crypto::kAes256KeySize]>(vmpck);
}

uint8_t* vmpck0_in(uint8_t* secrets) {
    return secrets + ER_SNP_SECRETS_VMPCK0_OFF;
}
const uint8_t* vmpck0_in(const uint8_t* secrets) {
    return secrets + ER_SNP_SECRETS_VMPCK0_OFF;
}

// OS area msg_seqno[0]: the count of messages (requests and responses) under VMPCK0.
uint32_t load_counter(const uint8_t* secrets) {
    uint32_t c;
    memcpy(&c, secrets + ER_SNP_SECRETS_OS_AREA_OFF, sizeof c);
    return c;
}
void store_counter(uint8_t* secrets, uint32_t c) {
    memcpy(secrets + ER_SNP_SECRETS_OS_AREA_OFF, &c, sizeof c);
}

const char* status_reason(uint32_t status) {
    switch (status) {
        case 0x16:
            return "MSG_REPORT_RSP STATUS 0x16 (invalid parameters)";
        case 0x27:
            return "MSG_REPORT_RSP STATUS 0x27 (invalid key selection)";
        default:
            return "MSG_REPORT_RSP STATUS is not 0 (success)";
    }
}

}  // namespace

bool build_report_request(const uint8_t vmpck[kSnpVmpckSize], uint64_t seqno,
                          const uint8_t report_data[kSnpReportDataSize],
                          uint8_t page[kSnpMsgPageSize]) {
    memset(page, 0, kSnpMsgPageSize);  // reserved fields and the unused rest of the page: zero
    if (!seqno_usable(seqno)) return false;

    // 56860 chapter 8, "Message Header Format".
    er_snp_msg_hdr hdr{};
    hdr.msg_seqno = seqno;
    hdr.algo = ER_SNP_AEAD_AES_256_GCM;
    hdr.hdr_version = ER_SNP_MSG_HDR_VERSION;
    hdr.hdr_size = kHdrSize;
    hdr.msg_type = ER_SNP_MSG_REPORT_REQ;
    hdr.msg_version = ER_SNP_MSG_VERSION;
    hdr.msg_size = sizeof(er_snp_report_req);
    hdr.msg_vmpck = kVmpck0;

    // "MSG_REPORT_REQ Message Structure": REPORT_DATA, VMPL 0 (the report says which VMPL asked;
    // this guest runs at VMPL 0), KEY_SEL 0 (the firmware's choice: VLEK if loaded, else VCEK).
    er_snp_report_req req{};
    memcpy(req.report_data, report_data, kSnpReportDataSize);
    req.vmpl = 0;
    req.key_sel = 0;

    // Seal from private copies; the page (shared with the host) is only written.
    uint8_t hdr_bytes[kHdrSize];
    memcpy(hdr_bytes, &hdr, kHdrSize);
    uint8_t ct[sizeof req];
    uint8_t iv[kGcmIvSize];
    uint8_t tag[kGcmTagSize];
    iv_from_seqno(seqno, iv);
    crypto::aes256_gcm_seal(key_of(vmpck), iv, hdr_bytes + kAadOffset, kAadSize,
                            reinterpret_cast<const uint8_t*>(&req), sizeof req, ct, tag);
    memcpy(hdr_bytes, tag, kGcmTagSize);  // AUTHTAG[0..16); [16..32) stay zero
    memcpy(page, hdr_bytes, kHdrSize);
    memcpy(page + kHdrSize, ct, sizeof ct);
    return true;
}

const char* open_report_response(const uint8_t vmpck[kSnpVmpckSize], uint64_t request_seqno,
                                 const uint8_t page[kSnpMsgPageSize],
                                 uint8_t report[kSnpReportSize]) {
    memset(report, 0, kSnpReportSize);
    if (!seqno_usable(request_seqno)) return "request MSG_SEQNO out of range";

    // One private copy of the header; every check and the AAD use it, never the page again.
    uint8_t hdr_bytes[kHdrSize];
    memcpy(hdr_bytes, page, kHdrSize);
    er_snp_msg_hdr hdr;
    memcpy(&hdr, hdr_bytes, kHdrSize);

    // What Linux's sev-guest driver checks (verify_and_dec_payload) and the rest of the header.
    if (hdr.msg_seqno != request_seqno + 1) return "response MSG_SEQNO is not the request's + 1";
    if (hdr.msg_type != ER_SNP_MSG_REPORT_RSP) return "response MSG_TYPE is not MSG_REPORT_RSP";
    if (hdr.msg_version != ER_SNP_MSG_VERSION) return "response MSG_VERSION is not 1";
    if (hdr.algo != ER_SNP_AEAD_AES_256_GCM) return "response ALGO is not AES-256-GCM";
    if (hdr.hdr_version != ER_SNP_MSG_HDR_VERSION) return "response HDR_VERSION is not 1";
    if (hdr.hdr_size != kHdrSize) return "response HDR_SIZE is not 0x60";
    if (hdr.msg_vmpck != kVmpck0) return "response MSG_VMPCK is not 0";
    if (hdr.msg_size < kRspHeadSize || hdr.msg_size > kRspPayloadSize)
        return "response MSG_SIZE out of range";

    // The ciphertext into private memory before GCM reads it (twice: GHASH, then decryption).
    uint8_t payload[kRspPayloadSize];
    memcpy(payload, page + kHdrSize, hdr.msg_size);
    uint8_t iv[kGcmIvSize];
    uint8_t tag[kGcmTagSize];
    iv_from_seqno(hdr.msg_seqno, iv);
    memcpy(tag, hdr_bytes, kGcmTagSize);
    if (!crypto::aes256_gcm_open(key_of(vmpck), iv, hdr_bytes + kAadOffset, kAadSize, payload,
                                 hdr.msg_size, tag, payload))
        return "response authentication tag does not match (wrong key or altered message)";

    // "MSG_REPORT_RSP Message Structure": STATUS, REPORT_SIZE, reserved, then the report.
    er_snp_report_rsp head;
    memcpy(&head, payload, kRspHeadSize);
    const char* reason = nullptr;
    if (head.status != 0)
        reason = status_reason(head.status);
    else if (head.report_size != kSnpReportSize)
        reason = "MSG_REPORT_RSP REPORT_SIZE is not 1184";
    else if (hdr.msg_size != kRspPayloadSize)
        reason = "response MSG_SIZE does not match REPORT_SIZE";
    else
        memcpy(report, payload + kRspHeadSize, kSnpReportSize);
    crypto::secure_zero(payload, sizeof payload);
    return reason;
}

uint64_t next_request_seqno(const uint8_t secrets[kSnpSecretsPageSize]) {
    if (!vmpck0_usable(secrets)) return 0;
    uint64_t request = uint64_t{load_counter(secrets)} + 1;
    return seqno_usable(request) ? request : 0;
}

void advance_seqno(uint8_t secrets[kSnpSecretsPageSize]) {
    // Saturates instead of wrapping: a wrapped counter would reuse IVs under the same key.
    uint32_t c = load_counter(secrets);
    store_counter(secrets, c >= 0xFFFFFFFDu ? 0xFFFFFFFFu : c + 2);
}

bool vmpck0_usable(const uint8_t secrets[kSnpSecretsPageSize]) {
    const uint8_t* key = vmpck0_in(secrets);
    uint8_t any = 0;
    for (size_t i = 0; i < kSnpVmpckSize; ++i) any |= key[i];
    return any != 0;
}

void wipe_vmpck0(uint8_t secrets[kSnpSecretsPageSize]) {
    crypto::secure_zero(vmpck0_in(secrets), kSnpVmpckSize);
}

const char* begin_report_request(const uint8_t secrets[kSnpSecretsPageSize],
                                 const uint8_t report_data[kSnpReportDataSize],
                                 uint8_t req_page[kSnpMsgPageSize], uint64_t* seqno) {
    *seqno = 0;
    if (!vmpck0_usable(secrets)) return "VMPCK0 is wiped (an earlier guest request failed)";
    uint64_t s = next_request_seqno(secrets);
    if (s == 0) return "SNP message sequence numbers exhausted";
    if (!build_report_request(vmpck0_in(secrets), s, report_data, req_page))
        return "SNP report request could not be built";
    *seqno = s;
    return nullptr;
}

const char* finish_report_request(uint8_t secrets[kSnpSecretsPageSize], uint64_t seqno,
                                  bool transport_ok, const uint8_t resp_page[kSnpMsgPageSize],
                                  uint8_t report[kSnpReportSize]) {
    memset(report, 0, kSnpReportSize);
    const char* reason = nullptr;
    if (seqno == 0 || seqno != next_request_seqno(secrets)) {
        reason = "SNP guest request finished without a pending request";
    } else {
        advance_seqno(secrets);  // the PSP may have seen the request, whatever came back
        if (!transport_ok)
            reason = "SNP guest request failed in the host";
        else
            reason = open_report_response(vmpck0_in(secrets), seqno, resp_page, report);
    }
    if (reason != nullptr) wipe_vmpck0(secrets);
    return reason;
}

}  // namespace uk::sev
