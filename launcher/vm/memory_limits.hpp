// Memory limits are reservations (docs/threat-model.md, "Memory"): the guest sets each domain's
// whole `memory` limit aside when it creates the domain, so a domain always gets its limit
// whatever its neighbours take.  The launcher refuses before boot limits that add up to more
// than the guest can reserve; domains without a limit share what no limit reserved.
#pragma once

#include <cstdint>

#include "launcher/vm/domain_images.hpp"

namespace er::launcher {

// Frames the guest kernel takes for itself, outside every reservation: its page tables (the
// kernel image's and the direct map of `mem_size` bytes), an FPU area per domain, a root per MPK
// space.  An upper bound; the guest checks the exact number when it reserves.
uint64_t kernel_frames(uint64_t mem_size, uint64_t domains);

// Bytes the domains' limits may reserve: the guest frame allocator's range (from the end of the
// images, layout.free_start, to the last whole page of RAM) less kernel_frames().
uint64_t reservable_bytes(const DomainLayout& layout, uint64_t mem_size);

// Throws Error with one line when the limits of `layout` (placed by place_domains) add up to more
// than reservable_bytes().
void check_memory_limits(const DomainLayout& layout, uint64_t mem_size);

}  // namespace er::launcher
