/*
 * SEV-SNP guest messages: the byte formats the guest and the AMD secure processor (or the
 * software PSP in sev/sim/) exchange for MSG_REPORT_REQ.  Shared by the unikernel (which builds
 * and opens them) and the host's software PSP (which answers them); nothing else.
 *
 * Source: AMD SEV Secure Nested Paging Firmware ABI Specification (pub. 56860), chapter 8
 * "Guest Messages": table "Message Header Format", "MSG_REPORT_REQ Message Structure",
 * "MSG_REPORT_RSP Message Structure"; and the secrets page layout (chapter 8, "Secrets Page
 * Format").  Crypto (same chapter): AES-256-GCM keyed with VMPCK<n>, IV = MSG_SEQNO as a 96-bit
 * little-endian number, AAD = header bytes [0x30, 0x60), tag (16 bytes) in AUTHTAG[0..16).
 */
#ifndef SNP_GUEST_MSG_H
#define SNP_GUEST_MSG_H

#ifdef __cplusplus
#include <cstdint>
#else
#include <stdint.h>
#endif

#define ER_SNP_AEAD_AES_256_GCM 1u
#define ER_SNP_MSG_HDR_VERSION 1u
#define ER_SNP_MSG_REPORT_REQ 5u
#define ER_SNP_MSG_REPORT_RSP 6u
#define ER_SNP_MSG_VERSION 1u
#define ER_SNP_MSG_PAYLOAD_MAX 4000u /* a message is one 4 KiB page: header + payload */
#define ER_SNP_GCM_TAG_SIZE 16u
#define ER_SNP_GCM_IV_SIZE 12u
#define ER_SNP_VMPCK_SIZE 32u

/* Secrets page (firmware-written at SNP_LAUNCH_UPDATE type SECRETS). */
#define ER_SNP_SECRETS_VERSION_OFF 0x00u
#define ER_SNP_SECRETS_VMPCK0_OFF 0x20u /* VMPCK0..3, 32 bytes each, at 0x20/0x40/0x60/0x80 */
#define ER_SNP_SECRETS_OS_AREA_OFF 0xA0u /* guest-owned: u32 msg_seqno[4] for VMPCK0..3, ...   */

struct er_snp_msg_hdr {
    uint8_t authtag[32]; /* AES-GCM tag in the first 16 bytes, rest zero */
    uint64_t msg_seqno;  /* request: odd counter; response: request + 1 */
    uint8_t rsvd1[8];
    uint8_t algo;        /* ER_SNP_AEAD_AES_256_GCM */
    uint8_t hdr_version; /* ER_SNP_MSG_HDR_VERSION */
    uint16_t hdr_size;   /* sizeof(struct er_snp_msg_hdr) */
    uint8_t msg_type;    /* ER_SNP_MSG_REPORT_REQ / _RSP */
    uint8_t msg_version; /* ER_SNP_MSG_VERSION */
    uint16_t msg_size;   /* payload bytes (plaintext size; the ciphertext has the same length) */
    uint32_t rsvd2;
    uint8_t msg_vmpck; /* which VMPCK keys it: 0 */
    uint8_t rsvd3[35];
};

/* MSG_REPORT_REQ payload. */
struct er_snp_report_req {
    uint8_t report_data[64]; /* becomes the report's REPORT_DATA */
    uint32_t vmpl;           /* 0 */
    uint32_t key_sel;        /* 0: VLEK if loaded else VCEK; 1 VCEK; 2 VLEK (newer ABI) */
    uint8_t rsvd[24];
};

/* MSG_REPORT_RSP payload: this header, then report_size bytes of ATTESTATION_REPORT. */
struct er_snp_report_rsp {
    uint32_t status; /* 0 success, 0x16 invalid parameters, 0x27 invalid key selection */
    uint32_t report_size;
    uint8_t rsvd[24];
};

#ifdef __cplusplus
static_assert(sizeof(er_snp_msg_hdr) == 0x60, "SNP message header is 96 bytes");
static_assert(__builtin_offsetof(er_snp_msg_hdr, msg_seqno) == 0x20, "MSG_SEQNO at 0x20");
static_assert(__builtin_offsetof(er_snp_msg_hdr, algo) == 0x30, "ALGO at 0x30");
static_assert(__builtin_offsetof(er_snp_msg_hdr, msg_vmpck) == 0x3C, "MSG_VMPCK at 0x3C");
static_assert(sizeof(er_snp_report_req) == 96, "MSG_REPORT_REQ payload is 96 bytes");
static_assert(sizeof(er_snp_report_rsp) == 32, "MSG_REPORT_RSP header is 32 bytes");
#endif

#endif /* SNP_GUEST_MSG_H */
