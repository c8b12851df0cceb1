// Which isolation backend a domain gets (docs/mpk.md "Choosing the backend").  The launcher asks
// (er_domain_desc.isolation); the guest decides, because under SEV only the guest's own CPUID
// reading and its own gadget scan of the app can be trusted.
#pragma once

#include <stdint.h>

#include "elf/elf.hpp"

namespace uk::domain {

struct IsolationChoice {
    uint32_t isolation;  // ER_ISO_PAGETABLE or ER_ISO_MPK
    // Why an explicit mpk request cannot be met (the domain must not run), or nullptr.
    const char* error;
    // A one-line notice for the host log when auto had to settle for page tables although the
    // CPU has PKU (the app carries a gadget), or nullptr.  Both point into static storage that
    // the next call reuses.
    const char* notice;
};

// MPK needs a CPU with PKU, a relocatable app (static PIE: it is placed in its key's window) and
// no WRPKRU/XRSTOR gadget at any offset of its executable pages (mpk/gadget_scanner.hpp).
// Requested pagetable, or auto without one of these, gives page tables; requested mpk without one
// of these is an error naming it (with the gadgets' file offsets).
IsolationChoice choose_isolation(uint32_t requested, bool cpu_has_pku, const er::elf::Image& img,
                                 const uint8_t* file, uint64_t size);

}  // namespace uk::domain
