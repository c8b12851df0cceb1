// ABI 5: the descriptor of a domain staged after boot (ER_HC_DOMAIN_POLL, ER_POLL_ADD), checked
// before its bytes are copied out of the staging area.  The same rules as the boot table
// (domain_table.hpp) except where the images lie: inside [staging_gpa, staging_gpa +
// staging_size), the er-fs image too (ABI 5 amendment; create() copies it).  The args blob is
// checked later, on the guest's own copy (never on the shared staging bytes: the host could change
// them between check and use). Pure logic, unit-tested on the host.
#pragma once

#include <stdint.h>

#include "lib/format.hpp"
#include "libos-abi/enclave_abi.h"

namespace uk::domain {

struct StagingBounds {
    uint64_t gpa;   // staging_gpa from the boot info
    uint64_t size;  // staging_size
};

// True when `d` may become domain `slot`: name as in the table and unique among the `live`
// descriptors (the domains not yet dead, `live_count` of them), app and args non-empty and
// inside the staging area without overflow or overlap (an er-fs image too, when fs_gpa is set),
// argc >= 1, isolation
// known, flags and reserved zero.  Otherwise false with one line in `why`.
bool check_staged_domain(const er_domain_desc& d, uint32_t slot, const StagingBounds& bounds,
                         const er_domain_desc* const* live, uint32_t live_count, TextBuffer& why);

}  // namespace uk::domain
