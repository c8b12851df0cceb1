/* uk_switch_context(uint64_t* save_rsp, uint64_t next_rsp): the kernel-level switch between two
 * domains' kernel stacks.  Saves the callee-saved registers on the current stack, stores its rsp
 * at *save_rsp, loads next_rsp and pops the other context's registers.  A domain that never ran
 * has a stack prepared by sched/ whose return address is uk_trap_return, so its first switch-in
 * irets straight into its initial TrapFrame.  Interrupts are off around it (no kernel
 * preemption); the user-visible state (CR3, FS base, FPU, RSP0) is switched by the caller. */
    .text
    .global uk_switch_context
    .type uk_switch_context, @function
uk_switch_context:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size uk_switch_context, . - uk_switch_context

    .section .note.GNU-stack, "", @progbits
