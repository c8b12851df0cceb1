// ABI 5: a persistent enclave takes new domains after boot (docs/guest.md "Hot add").  When the
// CPU idles, and on each tick that interrupts an app, the guest asks the host for work with
// ER_HC_DOMAIN_POLL.  Polling, not an injected interrupt: the guest has no interrupt path from
// the host (no PIC/IOAPIC plumbing, and under SEV-SNP injection is restricted), so the cost is one
// exit per poll, counted by the launcher.
//
// A new domain's app and args are copied out of the (host-writable, under SEV shared) staging
// area into the guest's private copy area exactly once; the args check, the ELF parse, the load
// and the measurement all read that copy only.
#pragma once

#include <stdint.h>

#include "libos-abi/enclave_abi.h"

namespace uk::hotadd {

// Where the frame allocator must stop: the private copy area and the staging area take the top
// of RAM in a persistent enclave ([end, staging_gpa) and [staging_gpa, mem_size)); mem_size
// otherwise.  Panics on a staging area that is not page aligned, at the top of RAM, or too large.
uint64_t frames_end(const er_boot_info& boot);

// Arms polling (sched::set_persistent) for a persistent enclave; nothing otherwise.
void init(const er_boot_info& boot);

// One ER_HC_DOMAIN_POLL and whatever the host answered: a new domain created and queued (or
// refused with ER_EXIT_REFUSED), a domain killed, or shutdown armed.  `from_user`: a tick that
// interrupted the running domain, whose kill then does not return.  True when something changed.
bool poll(bool from_user);

}  // namespace uk::hotadd
