// ABI 5 amendment: what a persistent enclave's owner (an enclave host) may read of the guest's
// measurement log, as of the latest ER_HC_EVIDENCE: each entry's name and its digests, and the
// log digest of docs/attestation.md §1 ("Binding the log to the report"), recomputed here from
// the entries the guest sent.  The guest re-sends its evidence after each hot add, so the log
// only grows; once it holds ER_MAX_DOMAINS entries the guest refuses further adds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attestation/bytes.hpp"
#include "attestation/evidence.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

struct EnclaveLogEntry {
    attest::DomainEntry entry;   // name, image, filesystem, arguments, isolation
    attest::Digest384 digest{};  // SHA-384 of the entry's canonical CBOR (entry_hash_i)
};

struct EnclaveLog {
    std::vector<EnclaveLogEntry> entries;  // in launch order
    attest::Digest384 log_digest{};        // log_digest_n (48 zero bytes for an empty log)
    uint64_t evidence_count = 0;           // ER_HC_EVIDENCE calls taken so far (0: none yet)
    // No room for another entry: the guest refuses every further hot add.
    bool full() const { return entries.size() >= ER_MAX_DOMAINS; }
};

// The log of `evidence` (already checked: check_evidence), its entry digests and its chain.
EnclaveLog make_enclave_log(const er_evidence& evidence, uint64_t evidence_count);

// OpenSSL reads its configuration and loads its providers on first use: call this before the
// run loop is confined (seccomp_filter.hpp), so make_enclave_log opens no file later.
void prepare_enclave_log();

}  // namespace er::launcher
