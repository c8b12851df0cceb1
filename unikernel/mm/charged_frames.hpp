// Frame allocation on a domain's account: every frame a domain's address space takes (pages and
// page tables) goes through here, so its limit holds and its death returns exactly what it took.
// A null account (the kernel's own tables) charges nothing.
#pragma once

#include <stdint.h>

#include "mm/frame_account.hpp"

namespace uk::mm {

// A zeroed frame, or 0 when RAM is exhausted or the account is at its limit.
uint64_t alloc_charged(FrameAccount* account);
void free_charged(FrameAccount* account, uint64_t pa);

}  // namespace uk::mm
