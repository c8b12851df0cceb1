// The SNP guest-request messages the guest exchanges with the AMD secure processor (PSP) to get an
// attestation report: MSG_REPORT_REQ sealed with VMPCK0, MSG_REPORT_RSP opened with it (SNP
// firmware ABI 56860, chapter 8 "Guest Messages"; byte formats in libos-abi/snp_guest_msg.h),
// and the rules around them: sequence numbers kept in the secrets page's OS area, and a VMPCK
// that is wiped after any failure.  Pure logic over caller-provided pages: the transport (the
// GHCB NAE event "SNP Guest Request", exit code 0x8000_0011, GHCB spec 56421 §4.1, with shared
// request and response pages) is elsewhere.
//
// Why a failure wipes the key: the PSP keeps its own per-VMPCK sequence number and answers only a
// request whose MSG_SEQNO is one more than the last it saw.  Once a request was handed over and
// the answer was lost or bad, the guest can no longer know whether the PSP advanced, and retrying
// would mean encrypting a different message under an IV (= sequence number) that may already
// have been used, which breaks AES-GCM (key-stream reuse and forgeable tags).  Linux's sev-guest
// driver does the same (snp_disable_vmpck).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::sev {

constexpr size_t kSnpMsgPageSize = 4096;  // a request or response is one 4 KiB page
constexpr size_t kSnpReportSize = 1184;   // ATTESTATION_REPORT (56860 §7.3, Table 23): 0x4A0
constexpr size_t kSnpVmpckSize = 32;
constexpr size_t kSnpReportDataSize = 64;
constexpr size_t kSnpSecretsPageSize = 4096;

// Writes MSG_REPORT_REQ into page (the whole page: header, encrypted er_snp_report_req with
// REPORT_DATA = report_data, VMPL 0, KEY_SEL 0, rest zero): header ALGO AES-256-GCM, HDR_VERSION 1,
// HDR_SIZE 0x60, MSG_TYPE 5, MSG_VERSION 1, MSG_SIZE 96, MSG_VMPCK 0, MSG_SEQNO seqno; IV = seqno
// little-endian in 12 bytes, AAD = header bytes [0x30, 0x60), tag in AUTHTAG[0..16).
// Returns false, with page zeroed, for a seqno the protocol cannot use: 0 (the firmware treats it
// as invalid) or one whose response number would not fit the 32-bit counter of the secrets page.
// page may be the shared page itself: nothing is read back from it.
[[nodiscard]] bool build_report_request(const uint8_t vmpck[kSnpVmpckSize], uint64_t seqno,
                                        const uint8_t report_data[kSnpReportDataSize],
                                        uint8_t page[kSnpMsgPageSize]);

// Checks and decrypts MSG_REPORT_RSP from page into report.  nullptr on success; otherwise the
// reason, with report zeroed: header checks (MSG_SEQNO must be request_seqno + 1, MSG_TYPE 6,
// MSG_VERSION 1, ALGO, HDR_VERSION, HDR_SIZE, MSG_VMPCK 0, MSG_SIZE), then the tag, then the
// payload (STATUS 0, REPORT_SIZE 1184, MSG_SIZE covering exactly the report).  The header and
// payload are copied into private memory before they are checked (page may be a shared page the
// host can still write); needs about 1.3 KiB of stack.
[[nodiscard]] const char* open_report_response(const uint8_t vmpck[kSnpVmpckSize],
                                               uint64_t request_seqno,
                                               const uint8_t page[kSnpMsgPageSize],
                                               uint8_t report[kSnpReportSize]);

// ---- sequence numbers and the VMPCK in the secrets page (56860 chapter 8, "Secrets Page") ----
//
// The OS area at 0xA0 is the guest's: u32 msg_seqno[4], one per VMPCK (Linux uses it the same
// way).  It holds the number of messages exchanged under VMPCK0, counting requests and responses
// (the PSP increments its copy for both), so it starts at 0 and requests are odd: 1, 3, 5, ...

// The MSG_SEQNO of the next request (counter + 1), or 0 when VMPCK0 was wiped or the counter is
// exhausted (the response number counter + 2 must still fit in 32 bits).
uint64_t next_request_seqno(const uint8_t secrets[kSnpSecretsPageSize]);

// Records that a request with next_request_seqno() was handed to the host: the counter advances by
// 2 (request and response) whatever comes back, because the PSP may have consumed the number.
void advance_seqno(uint8_t secrets[kSnpSecretsPageSize]);

// VMPCK0 is usable: not all zero (a wiped key is zero; a real one is random).
bool vmpck0_usable(const uint8_t secrets[kSnpSecretsPageSize]);

// Zeroes VMPCK0 in the secrets page: no message is ever sealed or opened with it again.
void wipe_vmpck0(uint8_t secrets[kSnpSecretsPageSize]);

// One report request under the rules above, split around the transport:
//  1. begin_report_request: refuses (reason) when VMPCK0 is wiped or seqnos are exhausted; else
//     builds the request into req_page and returns nullptr with *seqno set.
//  2. the caller issues the guest request (both pages shared) and learns transport_ok.
//  3. finish_report_request: advances the counter; on a transport failure or any reason from
//     open_report_response wipes VMPCK0 and returns the reason; else nullptr with report filled.
[[nodiscard]] const char* begin_report_request(const uint8_t secrets[kSnpSecretsPageSize],
                                               const uint8_t report_data[kSnpReportDataSize],
                                               uint8_t req_page[kSnpMsgPageSize], uint64_t* seqno);
[[nodiscard]] const char* finish_report_request(uint8_t secrets[kSnpSecretsPageSize],
                                                uint64_t seqno, bool transport_ok,
                                                const uint8_t resp_page[kSnpMsgPageSize],
                                                uint8_t report[kSnpReportSize]);

}  // namespace uk::sev
