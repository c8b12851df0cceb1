// Task kernel stacks: one slot per task-table slot in a kernel window (PML4 slot 507), each
// [unmapped guard page][24 KiB stack][unmapped page], so an overflow faults at once instead of
// writing into a neighbour.  The stack's frames are charged to the task's domain (its memory
// limit covers its threads' stacks, its death frees them); the window's page tables are the
// kernel's, made once at boot before any address space shares the kernel half, so every address
// space sees the stacks mapped later.
#pragma once

#include <stdint.h>

#include "mm/frame_account.hpp"

namespace uk::task {

constexpr uint64_t kStackPages = 6;
constexpr uint64_t kStackSlotBytes = 8 * 4096;

// Once at boot, before the first address space: the window's tables.  nullptr, or why not.
const char* stack_window_init();

// Maps a fresh stack for slot `slot` charged to `account`; its top, or 0 when out of memory or
// over the account's limit (nothing left mapped).
uint64_t stack_map(uint32_t slot, mm::FrameAccount* account);
// Unmaps slot's stack, gives its frames back to `account` and drops stale translations.  The
// CPU must not be on that stack.
void stack_unmap(uint32_t slot, mm::FrameAccount* account);

// True for an address in the window's guard pages (a kernel stack overflow).
bool is_stack_guard(uint64_t va);

}  // namespace uk::task
