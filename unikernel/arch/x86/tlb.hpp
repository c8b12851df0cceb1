// Dropping every translation the CPU may cache, in every PCID, when page tables or frames that
// some address space mapped are freed (a kernel stack, a private tree window, an MPK window in a
// shared root).  Those frames may be anyone's next: a surviving TLB or paging-structure cache
// entry would let some address space walk into them (SDM vol. 3 §4.10.4).
#pragma once

#include <stdint.h>

namespace uk::x86 {

// With PGE: toggling CR4.PGE invalidates all TLB and paging-structure cache entries of all PCIDs
// (SDM vol. 3 §4.10.4.1).  Without PGE a CR3 reload flushes the current PCID only, so the
// generation below is bumped: an address space loaded at an older generation must be loaded
// with a flush (task::activate).
void flush_all_tlbs();
uint64_t tlb_generation();

}  // namespace uk::x86
