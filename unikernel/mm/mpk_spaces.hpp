// The shared address spaces of MPK domains (docs/mpk.md "Layout").  Each holds up to 15 domains,
// one protection key each; the 16th MPK domain opens the next space.  A space is one PML4 root
// with the kernel half shared like every other root; each member's page tables hang off the PML4
// slots of its own 4 TiB window (mm/user_layout.hpp) and are the member's, so the root is the
// only thing the members share.
#pragma once

#include <stdint.h>

#include "libos-abi/enclave_abi.h"

namespace uk::mm {

// At most ER_MAX_DOMAINS MPK domains, 15 a space.
constexpr uint32_t kMaxMpkSpaces = (ER_MAX_DOMAINS + ER_MPK_KEYS - 1) / ER_MPK_KEYS;

struct MpkSlot {
    uint32_t space;
    uint32_t key;
    uint64_t root;  // the space's PML4
};

// A key in the first space with one free (creating that space's root on first use); false when
// out of memory for the root or out of keys.
bool mpk_join(MpkSlot* slot);
// Gives the key back; the last member out frees the root, which must not be the live CR3.  The
// leaver's window must be torn down already (AddressSpace::destroy flushes every PCID then, so no
// translation of it survives for the members that stay, or for a later root of this space).
void mpk_leave(const MpkSlot& slot);
// The PCID of a space (page-table domains use 1..64).
constexpr uint64_t mpk_pcid(uint32_t space) {
    return ER_MAX_DOMAINS + 1 + space;
}

}  // namespace uk::mm
