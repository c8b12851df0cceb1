// The host's per-run hints (ABI 4, struct er_host_hints at ER_GPA_HOST_HINTS): the TSC frequency,
// the wall clock, an entropy seed and the verifier's nonce.  Copied once at boot; under SEV the
// page is shared and the host chooses every byte, so nothing here may decide isolation or what
// is measured (docs/sev.md "Guest memory").
#pragma once

#include <stdint.h>

#include "libos-abi/enclave_abi.h"

namespace uk::boot {

// Copies and checks the page the boot info names; returns a reason, or nullptr.  A malformed
// page is not survivable: the caller panics.
const char* load_host_hints(uint64_t hints_gpa);

// The checked copy (zero before load_host_hints).
const er_host_hints& host_hints();

}  // namespace uk::boot
