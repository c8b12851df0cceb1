// Kernel stacks defined in entry.S.  Each has an unmapped guard page right below its bottom.
#pragma once

#include <stdint.h>

extern "C" {
extern uint8_t uk_kernel_stack_guard[];  // guard page; the stack is [guard+4096, top)
extern uint8_t uk_kernel_stack_top[];    // RSP0 and the syscall stack
extern uint8_t uk_fault_stack_guard[];
extern uint8_t uk_fault_stack_top[];  // IST1: double fault, NMI, machine check
}
