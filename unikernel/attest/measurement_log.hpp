// The enclave's own measurement log (docs/attestation.md §1), computed inside the guest from the
// bytes it loads: per domain the SHA-384s of its app image, its er-fs image and its arguments,
// chained in launch order, and REPORT_DATA = SHA-512(nonce || log digest).  The host never hands
// the guest a digest; it only packs what the guest sends (ER_HC_EVIDENCE).
//
// Pure and freestanding: no allocation, no hypercalls; the unit tests compare every byte with the
// verifier's own code (attestation/include/attestation/evidence.hpp).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "libos-abi/enclave_abi.h"

namespace uk::attest {

constexpr size_t kDigestSize = ER_DIGEST384;
constexpr size_t kReportDataSize = 64;

// The largest canonical entry: array head (1), name head (2) and up to ER_DOMAIN_NAME_MAX bytes,
// three 48-byte byte strings with 2-byte heads, "page-table" with a 1-byte head.
constexpr size_t kMaxEntryCbor = 1 + 2 + ER_DOMAIN_NAME_MAX + 3 * (2 + kDigestSize) + 1 + 10;

// What the guest loaded for one domain, as kernel pointers.  `name` is NUL-terminated.
struct DomainBytes {
    const char* name;
    const void* image;  // the app's ELF file bytes
    uint64_t image_size;
    const void* fs;  // its er-fs image, nullptr (size 0) without one
    uint64_t fs_size;
    const void* args;  // argv then envp strings, each NUL-terminated (the args blob)
    uint64_t args_size;
    uint32_t argc;
    uint32_t envc;
    uint32_t isolation;  // what the domain got: ER_ISO_MPK or ER_ISO_PAGETABLE
};

// The log's name for a backend: "mpk", "page-table", or nullptr for anything else (AUTO is a
// request, never a result).
const char* isolation_name(uint32_t isolation);

// Fills `out`: the name (NUL-padded, cut at ER_DOMAIN_NAME_MAX bytes), SHA-384 of the image, of
// the er-fs image (of no bytes without one), of le32 argc || le32 envc || the args blob, and the
// isolation.
void measure_domain(const DomainBytes& d, er_evidence_entry& out);

// Deterministic CBOR (RFC 8949 §4.2.1) of [name, image, filesystem, arguments, isolation].
// Returns its length, or 0 when the entry has no encoding (an unknown isolation).
size_t encode_entry(const er_evidence_entry& entry, uint8_t (&out)[kMaxEntryCbor]);

// The log in launch order and its running digest:
//   log_digest_0 = 48 zero bytes; log_digest_i = SHA-384(log_digest_{i-1} || SHA-384(entry_i)).
class MeasurementLog {
  public:
    MeasurementLog() { clear(); }
    void clear();
    // Appends and chains `entry`.  False (and the log unchanged) when the log is full or the
    // entry has no encoding.
    bool append(const er_evidence_entry& entry);
    uint32_t count() const { return count_; }
    const er_evidence_entry& entry(uint32_t i) const { return entries_[i]; }
    const uint8_t (&digest() const)[kDigestSize] { return digest_; }

  private:
    er_evidence_entry entries_[ER_MAX_DOMAINS];
    uint32_t count_;
    uint8_t digest_[kDigestSize];
};

// REPORT_DATA = SHA-512(nonce || log_digest).
void binding_report_data(const uint8_t* nonce, size_t nonce_len,
                         const uint8_t (&log_digest)[kDigestSize], uint8_t (&out)[kReportDataSize]);

// Fills the page the host reads: count, report_data, the entries (the rest zero, report_size 0:
// a report, where there is one, is added by the caller).
void fill_evidence(const MeasurementLog& log, const uint8_t* nonce, size_t nonce_len,
                   er_evidence& out);

}  // namespace uk::attest
