// The boot's side of the enclave's evidence (docs/attestation.md §1): with ER_BOOT_F_ATTEST the
// guest measures each domain it created, in launch order, and before any domain runs hands the
// host the log, REPORT_DATA and (under SNP or the software PSP) the report: ER_HC_EVIDENCE with
// struct er_evidence at ER_GPA_EVIDENCE.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "libos-abi/enclave_abi.h"

namespace uk::domain {
struct Domain;
}

namespace uk::attest {

// Appends domain d, just created from `desc`, to the log: its app, er-fs and argument bytes as
// the guest holds them, and the backend it got.  A refused domain is never recorded.
void record_domain(const er_domain_desc& desc, const domain::Domain& d);

// ABI 5: whether the log has room for no more entries (ER_MAX_DOMAINS), so a hot add is refused
// instead of panicking in record_domain.
bool log_full();

// ABI 5 amendment: whether an entry named `name` (NUL-terminated) is in the log already.  Names
// are unique in the log (the verifier refuses a repeat), so a hot add of a name that an earlier,
// dead domain had is refused.
bool log_has_name(const char* name);

// Binds the log to the verifier's nonce (ER_NONCE_MIN..ER_NONCE_MAX bytes, from the guest's own
// copy of the host hints), fetches the report for `confidential` (report.hpp), then issues
// ER_HC_EVIDENCE.  Any failure is a panic naming it: evidence that cannot be produced must not
// look like an enclave that ran without it.  Called at boot and, in a persistent enclave, again
// after each hot add (ABI 5 amendment): the log then has one more entry, the rest unchanged.
void send_evidence(uint32_t confidential, const uint8_t* nonce, size_t nonce_len);

}  // namespace uk::attest
