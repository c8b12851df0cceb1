// Checked copies between kernel memory and the current domain's user memory.  Every range is
// validated against the domain's VMAs and rights BEFORE it is touched (a hostile pointer into the
// kernel half, a hole, or a read-only page gives -EFAULT without any fault), demand-zero pages are
// faulted in, and the copy itself runs with EFLAGS.AC set only while SMAP is on.  Running out of
// memory while faulting in kills the domain (SIGKILL), like Linux's OOM killer.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::mm {

// 0 or -EFAULT.
int copy_from_user(void* dst, uint64_t user_src, size_t len);
int copy_to_user(uint64_t user_dst, const void* src, size_t len);

class AddressSpace;
// Writes into `as`, which need not be the live one (fork's CLONE_CHILD_SETTID into the child):
// the same VMA and rights check, the pages faulted in (a copy-on-write page is copied first),
// then written through the kernel's direct map.  0, -EFAULT, or -ENOMEM (no frame: the caller
// decides, nobody is killed).
int copy_to_space(AddressSpace& as, uint64_t user_dst, const void* src, size_t len);

}  // namespace uk::mm
