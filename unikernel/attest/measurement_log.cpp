#include "attest/measurement_log.hpp"

#include "crypto/sha512.hpp"
#include "lib/string.hpp"

namespace uk::attest {
namespace {

// CBOR major types (RFC 8949 §3.1).
constexpr uint8_t kBytes = 2, kText = 3, kArray = 4;

// Writes cursor-style into a buffer sized for the largest entry, so no bound check is needed
// beyond the name's length, which the caller caps.
struct Writer {
    uint8_t* p;
    // Deterministic head (§4.2.1): the argument in the shortest form.  Lengths here stay below
    // 256, so one extra byte at most.
    void head(uint8_t major, size_t value) {
        if (value < 24) {
            *p++ = uint8_t(major << 5 | value);
        } else {
            *p++ = uint8_t(major << 5 | 24);
            *p++ = uint8_t(value);
        }
    }
    void bytes(uint8_t major, const void* data, size_t len) {
        head(major, len);
        memcpy(p, data, len);
        p += len;
    }
};

size_t name_length(const er_evidence_entry& e) {
    size_t n = 0;
    while (n < ER_DOMAIN_NAME_MAX && e.name[n] != '\0') n++;
    return n;
}

void store_le32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = uint8_t(v >> (8 * i));
}

}  // namespace

const char* isolation_name(uint32_t isolation) {
    if (isolation == ER_ISO_MPK) return "mpk";
    if (isolation == ER_ISO_PAGETABLE) return "page-table";
    return nullptr;
}

void measure_domain(const DomainBytes& d, er_evidence_entry& out) {
    memset(&out, 0, sizeof out);
    for (size_t i = 0; i < ER_DOMAIN_NAME_MAX && d.name[i] != '\0'; i++) out.name[i] = d.name[i];
    crypto::sha384(d.image, d.image_size, out.image);
    crypto::sha384(d.fs_size != 0 ? d.fs : nullptr, d.fs_size, out.filesystem);
    // The counts go first so that the same strings split differently into argv and envp
    // ("a", "B=1" as two args, or one arg and one env entry) give different digests.
    uint8_t counts[8];
    store_le32(counts, d.argc);
    store_le32(counts + 4, d.envc);
    crypto::Sha384 h;
    h.update(counts, sizeof counts);
    h.update(d.args, d.args_size);
    h.final(out.arguments);
    out.isolation = d.isolation;
}

size_t encode_entry(const er_evidence_entry& entry, uint8_t (&out)[kMaxEntryCbor]) {
    const char* iso = isolation_name(entry.isolation);
    if (iso == nullptr) return 0;
    Writer w{out};
    w.head(kArray, 5);
    w.bytes(kText, entry.name, name_length(entry));
    w.bytes(kBytes, entry.image, kDigestSize);
    w.bytes(kBytes, entry.filesystem, kDigestSize);
    w.bytes(kBytes, entry.arguments, kDigestSize);
    w.bytes(kText, iso, strlen(iso));
    return size_t(w.p - out);
}

void MeasurementLog::clear() {
    count_ = 0;
    memset(digest_, 0, sizeof digest_);
}

bool MeasurementLog::append(const er_evidence_entry& entry) {
    if (count_ >= ER_MAX_DOMAINS) return false;
    uint8_t cbor[kMaxEntryCbor];
    size_t len = encode_entry(entry, cbor);
    if (len == 0) return false;
    uint8_t entry_hash[kDigestSize];
    crypto::sha384(cbor, len, entry_hash);
    crypto::Sha384 h;
    h.update(digest_, sizeof digest_);
    h.update(entry_hash, sizeof entry_hash);
    h.final(digest_);
    entries_[count_++] = entry;
    return true;
}

void binding_report_data(const uint8_t* nonce, size_t nonce_len,
                         const uint8_t (&log_digest)[kDigestSize],
                         uint8_t (&out)[kReportDataSize]) {
    crypto::Sha512 h;
    h.update(nonce, nonce_len);
    h.update(log_digest, kDigestSize);
    h.final(out);
}

void fill_evidence(const MeasurementLog& log, const uint8_t* nonce, size_t nonce_len,
                   er_evidence& out) {
    memset(&out, 0, sizeof out);
    out.count = log.count();
    out.report_size = 0;
    binding_report_data(nonce, nonce_len, log.digest(), out.report_data);
    for (uint32_t i = 0; i < log.count(); i++) out.entries[i] = log.entry(i);
}

}  // namespace uk::attest
