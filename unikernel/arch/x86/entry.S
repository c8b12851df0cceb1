/* Kernel entry from the launcher (docs/guest.md "Entry contract"): long mode, launcher's page
 * tables, interrupts off, %rdi = GPA of er_boot_info.  Switch to the kernel's own stack at once
 * (the boot stack lives in launcher-owned memory that the kernel's page tables do not map) and
 * enter C++. */
    .section .text.entry, "ax", @progbits
    .global _start
    .type _start, @function
_start:
    cli
    cld
    lea uk_kernel_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call kmain
1:  cli
    hlt
    jmp 1b
    .size _start, . - _start

/* Kernel stacks, each with an unmapped guard page below it (mm/kernel_map.cpp leaves the
 * *_guard pages out of the kernel mapping, so an overflow is a #PF -> #DF on the IST stack,
 * not silent corruption). */
    .section .bss.stacks, "aw", @nobits
    .balign 4096
    .global uk_kernel_stack_guard
uk_kernel_stack_guard:
    .skip 4096
    .skip 32768
    .global uk_kernel_stack_top
uk_kernel_stack_top:

/* The IST stacks (arch/x86/ist.hpp, arch/x86/stacks.hpp): #DB, NMI, #DF, #MC, one each, every
 * slot an unmapped guard page and 8 KiB of stack. */
    .global uk_ist_stacks
uk_ist_stacks:
    .skip (4096 + 8192) * 4
    .global uk_ist_stacks_end
uk_ist_stacks_end:

/* Each task's kernel stack is allocated with the task (task/kernel_stack.hpp); the boot stack
 * above is the scheduler's own afterwards (it frees a dead task's stack from there). */

    .section .note.GNU-stack, "", @progbits
