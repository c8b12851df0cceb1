// The vDSO image (vdso.so, built by vdso.cmake) embedded in the kernel's read-only data.  The
// kernel copies it into frames of its own at boot (vdso.cpp); these bytes are never mapped to
// user mode themselves.
    .section .rodata
    .balign 4096
    .globl er_vdso_image_start
    .globl er_vdso_image_end
er_vdso_image_start:
    .incbin ER_VDSO_SO
er_vdso_image_end:
    .section .note.GNU-stack, "", @progbits
