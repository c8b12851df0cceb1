// SYSCALL/SYSRET configuration: STAR, LSTAR, SFMASK and EFER.SCE.
#pragma once

#include <stdint.h>

extern "C" uint64_t uk_syscall_kernel_rsp;  // stack top used by syscall_entry.S

namespace uk::x86 {

void init_syscall(uint64_t kernel_stack_top);

}  // namespace uk::x86
