// Frame allocation on a domain's account: every frame a domain's address space takes (pages and
// page tables) goes through here, so its limit holds and its death returns exactly what it took.
// A null account (the kernel's own tables) charges nothing.
#pragma once

#include <stdint.h>

#include "mm/frame_account.hpp"

namespace uk::mm {

// A zeroed frame, or 0 when RAM is exhausted or the account is at its limit.  An account with a
// limit takes from its reservation (reserve_limit); anyone else, a null account included, only
// from the frames no reservation holds.
uint64_t alloc_charged(FrameAccount* account);
void free_charged(FrameAccount* account, uint64_t pa);

// Reserves an account's whole limit (after reset(), before its first frame); false when the
// frames no other reservation holds do not cover it.  No limit: nothing to reserve, true.
bool reserve_limit(const FrameAccount& account);
// Gives back what is left of its reservation (after the account freed every frame it could).
void release_limit(const FrameAccount& account);
// Frames free and not reserved: what a domain without a limit, or the kernel, can still take.
uint64_t unreserved_frames();

}  // namespace uk::mm
