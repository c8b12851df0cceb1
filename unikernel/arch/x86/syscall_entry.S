/* SYSCALL entry (LSTAR).  On entry: rcx = user rip, r11 = user rflags, rsp = user stack, and
 * SFMASK has cleared IF/DF/TF/AC/NT.  One vCPU and no interrupts in the kernel, so a plain global
 * holds the user rsp while we switch stacks: no swapgs, and the kernel never reads GS (SMP will
 * need swapgs and per-CPU data).  The first two instructions touch no stack; #DB, NMI and #MC,
 * the only events that can arrive before the switch (or after the user rsp is reloaded below),
 * run on IST stacks (arch/x86/ist.hpp).  docs/threat-model.md "Entry and exit" has the review.
 * The saved state is a TrapFrame (arch/x86/trap_frame.hpp); uk_syscall_dispatch(frame) puts the
 * result in frame->rax and returns nonzero when the frame must be resumed with iretq instead
 * of sysretq.  It never lets a non-canonical rip reach sysretq (a #GP at CPL0 on Intel): such
 * a domain is killed there. */
#include "frame_macros.inc"

    .text
    .global uk_syscall_entry
    .type uk_syscall_entry, @function
uk_syscall_entry:
    mov %rsp, uk_syscall_user_rsp(%rip)
    mov uk_syscall_kernel_rsp(%rip), %rsp
    push $0x23                          /* ss: user data */
    push uk_syscall_user_rsp(%rip)      /* rsp */
    push %r11                           /* rflags */
    push $0x2b                          /* cs: user code */
    push %rcx                           /* rip */
    push $0                             /* error code */
    push $0x100                         /* vector: kSyscallVector */
    SAVE_REGS
    mov %rsp, %rdi
    call uk_syscall_dispatch
    test %eax, %eax
    jnz uk_trap_return                  /* slow path: iretq */
    RESTORE_REGS
    add $16, %rsp                       /* vector, error code */
    pop %rcx                            /* rip */
    add $8, %rsp                        /* cs */
    pop %r11                            /* rflags */
    pop %rsp                            /* user rsp; NMI/#MC/#DB use IST: this window is safe */
    sysretq
    .size uk_syscall_entry, . - uk_syscall_entry

    .data
    .balign 8
    .global uk_syscall_kernel_rsp
uk_syscall_kernel_rsp:
    .quad 0
uk_syscall_user_rsp:
    .quad 0

    .section .note.GNU-stack, "", @progbits
