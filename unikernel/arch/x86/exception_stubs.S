/* One entry stub per IDT vector.  Each pushes a dummy error code when the CPU does not push one,
 * then the vector, then jumps to a common path that saves the general registers into a
 * TrapFrame (arch/x86/trap_frame.hpp) and calls uk_trap_dispatch(frame). */
#include "frame_macros.inc"

    .text

trap_common:
    SAVE_REGS
    cld
    mov %rsp, %rdi
    call uk_trap_dispatch
    .global uk_trap_return
uk_trap_return:
    RESTORE_REGS
    add $16, %rsp      /* vector, error code */
    /* A #GP here (a frame whose rip is not canonical) is taken at CPL0 on this stack: traps.cpp
     * recognises this address and kills the domain instead of panicking. */
    .global uk_trap_iret
uk_trap_iret:
    iretq

/* #DB arrives on its own IST stack (arch/x86/ist.hpp).  In kernel mode it stays there: it may
 * have hit the first instruction of the SYSCALL entry, held pending across MOV SS/POP SS, with
 * the app's RSP still loaded, so no stack but the IST one can be trusted.  From user mode (single
 * step, ICEBP) it moves to the domain's kernel stack (uk_syscall_kernel_rsp, equal to TSS.RSP0),
 * as every other trap from CPL3 lands there: a handler that kills the domain and switches to
 * another must never leave a live frame on the shared IST stack. */
debug_common:
    testb $3, 24(%rsp)          /* CS of the interrupted context (after vector, error code, rip) */
    jz trap_common
    push %rsi
    push %rdi
    push %rcx
    mov uk_syscall_kernel_rsp(%rip), %rdi
    sub $56, %rdi               /* vector, error code, rip, cs, rflags, rsp, ss */
    lea 24(%rsp), %rsi
    mov $7, %ecx
    cld                         /* the app's DF is in the saved rflags */
    rep movsq
    pop %rcx
    pop %rdi
    pop %rsi
    mov uk_syscall_kernel_rsp(%rip), %rsp
    sub $56, %rsp
    jmp trap_common

/* uk_enter_frame(const TrapFrame* frame): resume the context in *frame via iretq. */
    .global uk_enter_frame
    .type uk_enter_frame, @function
uk_enter_frame:
    mov %rdi, %rsp
    jmp uk_trap_return
    .size uk_enter_frame, . - uk_enter_frame

/* Vectors with a CPU-pushed error code: #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17,
 * #CP 21, #VC 29, #SX 30. */
.macro STUB vec
    .balign 16
stub_\vec:
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    push $0
    .endif
    push $\vec
    .if \vec == 1
    jmp debug_common
    .else
    jmp trap_common
    .endif
.endm

    .balign 16
    .altmacro
.macro STUBS from, to
    STUB \from
    .if \to-\from
    STUBS %(\from+1), \to
    .endif
.endm
    STUBS 0, 63
    STUBS 64, 127
    STUBS 128, 191
    STUBS 192, 255

/* Table of the 256 stub addresses, read by idt.cpp. */
    .section .rodata
    .balign 8
    .global uk_trap_stubs
uk_trap_stubs:
.macro STUB_ADDR vec
    .quad stub_\vec
.endm
.macro STUB_ADDRS from, to
    STUB_ADDR \from
    .if \to-\from
    STUB_ADDRS %(\from+1), \to
    .endif
.endm
    STUB_ADDRS 0, 63
    STUB_ADDRS 64, 127
    STUB_ADDRS 128, 191
    STUB_ADDRS 192, 255

    .section .note.GNU-stack, "", @progbits
