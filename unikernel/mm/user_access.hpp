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

}  // namespace uk::mm
