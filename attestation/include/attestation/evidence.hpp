// The CBOR evidence bundle (schema in docs/attestation.md) and the measurement-log binding:
//   entry_hash_i  = SHA-384(canonical CBOR of [name, image, filesystem, arguments, isolation])
//   log_digest_0  = 48 zero bytes
//   log_digest_i  = SHA-384(log_digest_{i-1} || entry_hash_i)
//   report_data   = SHA-512(nonce || log_digest_n)      (64 bytes, the whole REPORT_DATA)
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "attestation/bytes.hpp"
#include "attestation/result.hpp"

namespace er::attest {

inline constexpr std::string_view kEvidenceProfile = "tag:enclave-run,2026:evidence/v1";
inline constexpr std::uint64_t kEatNonceKey = 10;            // RFC 9711 eat_nonce
inline constexpr std::uint64_t kEatProfileKey = 265;         // RFC 9711 eat_profile
inline constexpr std::size_t kMinNonce = 8, kMaxNonce = 64;  // RFC 9711 nonce bounds

struct DomainEntry {
    std::string name;
    Digest384 image{}, filesystem{}, arguments{};
    std::string isolation;  // "mpk" or "page-table"

    bool operator==(const DomainEntry&) const = default;
};

struct Evidence {
    Bytes nonce;
    bool hardware_backed = false;
    std::string platform = "none";  // "sev-snp" when hardware-backed, "none" for plain KVM
    std::optional<Bytes> report;    // raw 1184-byte SNP report
    std::vector<Bytes> certs;       // DER, VCEK/VLEK first, then ASK/ASVK, optionally ARK
    std::vector<DomainEntry> log;
};

Bytes encode_evidence(const Evidence& evidence);
// Refuses anything not exactly matching the schema: wrong types, missing or duplicate keys,
// unknown keys, indefinite lengths, trailing bytes, inconsistent platform/hardware flag.
Expected<Evidence> decode_evidence(ByteView cbor);

Bytes canonical_entry(const DomainEntry& entry);
Digest384 replay_log(const std::vector<DomainEntry>& log);
std::array<std::uint8_t, 64> binding_report_data(ByteView nonce, const Digest384& log_digest);

bool is_known_isolation(std::string_view isolation);

}  // namespace er::attest
