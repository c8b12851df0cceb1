// How many tasks (threads) and processes the guest holds at once, across all domains.  Both
// tables are static: no hidden allocation, and a full table is an error the caller reports
// (EAGAIN for clone), never a panic.  Pure constants, shared with the host unit tests.
#pragma once

#include <stdint.h>

namespace uk::task {

// Every task has a kernel stack slot in the stack window (task/kernel_stack.hpp) and an FPU area:
// 512 tasks is 16 MiB of kernel virtual space and, at most, 3.5 MiB of stacks charged to domains.
constexpr uint32_t kMaxTasks = 512;

}  // namespace uk::task

namespace uk::process {

// A process holds its fd table and /tmp (fs::DomainFiles, ~10 KiB) by value: 128 fit the kernel
// image's limit (ER_GPA_KERNEL_MAX) with room to spare.  One slot per domain that could still
// start is held back from forks (process::slots_held_back): a lone domain may hold 64 processes,
// and no domain can take a neighbour's init's slot.
constexpr uint32_t kMaxProcesses = 128;

}  // namespace uk::process
