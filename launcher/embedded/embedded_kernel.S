/* unikernel.elf as read-only data inside enclave-run.  ER_UNIKERNEL_ELF is the path of the built
 * kernel (set by launcher/CMakeLists.txt, which also makes this object depend on that file, so a
 * rebuilt kernel re-links enclave-run). */
    .section .rodata.er_unikernel, "a", @progbits
    .balign 64
    .globl er_unikernel_start
er_unikernel_start:
    .incbin ER_UNIKERNEL_ELF
    .globl er_unikernel_end
er_unikernel_end:
    .section .note.GNU-stack, "", @progbits
