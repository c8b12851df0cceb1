// fork, vfork and clone without CLONE_VM (docs/syscalls.md "Processes"): a new process in the
// caller's domain and pid space, with a copy-on-write copy of the caller's address space
// (mm::AddressSpace::fork_into), its descriptors, signal actions and mask, and one task that
// resumes where the caller's syscall returns, with 0.
#pragma once

#include <stdint.h>

#include "sys/syscall.hpp"

namespace uk::process {

// clone's flags as the process part takes them: the exit signal in the low byte (SIGCHLD, or 0
// for none), CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID, CLONE_PARENT_SETTID, CLONE_SETTLS,
// CLONE_VFORK (the parent does not wait: vfork behaves as fork, the child's memory is a copy),
// and CLONE_VM only together with CLONE_VFORK (posix_spawn; copied too).  `newsp` 0 keeps the
// caller's stack pointer.  The child's pid, or -EINVAL, -EAGAIN (no process or task slot),
// -ENOMEM (RAM or the domain's memory limit).
int64_t fork_process(uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t ctid, uint64_t tls);

// fork(2) (57) and vfork(2) (58, which behaves as fork: the parent is not suspended).
int64_t sys_fork(const sys::Args& a);
int64_t sys_vfork(const sys::Args& a);

}  // namespace uk::process
