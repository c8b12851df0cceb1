/* A test-only guest for the launcher: a few instructions that check the boot contract of
 * docs/launcher.md and drive each hypercall and each way a VM can end.  Not the unikernel.
 * Linked at GPA 0x100000 (identity mapped by the boot page tables).  Speaks ABI 2: the mode is
 * the first character of argv[1] of domain 0 (the first app's first argument); no argument
 * means 'h'.  Every end is ER_HC_DOMAIN_EXIT for the domain(s), then ER_HC_EXIT NORMAL.
 *
 *   h  "test-guest: hello\n" to stdout, exit status 7
 *   e  "test-guest: to stderr\n" to stderr, exit 0
 *   a  the args blob with NULs turned into newlines to stdout, exit 0
 *   i  raw er_boot_info (240 bytes), er_host_hints (128 bytes at 0x80000), the entry state (rdi, rsp, cr0, cr3, cr4, efer, cs, ss,
 *      rflags: 9 x 8 bytes), then domain 0's er_domain_desc (136 bytes) to stdout, exit 0
 *   t  two ER_HC_TIME results (2 x 24 bytes) to stdout, exit 0
 *   l  ER_HC_LOG of "log\x01line\n", exit 0
 *   s  ER_EXIT_SIGNAL SIGSEGV, page fault at rip 0x401136, address 0
 *   p  ER_EXIT_PANIC "test panic"
 *   f  ud2 with no IDT: triple fault
 *   x  cli; hlt (never wakes: needs --timeout)
 *   k  spin forever (needs --timeout)
 *   u  outl to port 0x3f8 (not a hypercall port)
 *   w  outb to the console port (wrong size)
 *   r  inl from the console port (wrong direction)
 *   n  console write request in the null page
 *   b  console write of a buffer beyond guest memory
 *   m  write to GPA 0x30000000 (mapped by the boot tables, not RAM: MMIO)
 *   c  console write with an unknown stream
 *   o  console write of 0 bytes then hello (zero length is fine)
 *   g  log text longer than ER_MESSAGE_MAX
 *   z  hypercall number 10 (unknown: ER_HC_MAX; 9 is ER_HC_NET)
 *   y  1000 console writes of "y" (a hypercall-heavy run for --stats)
 *   D  every domain i in turn: "hel", "lo\npartial" to stdout and "err\n" to stderr, then ends:
 *      domain 2 killed by SIGSEGV at rip 0x401136, every other one exit status i; run_ns
 *      (i+1) ms, peak memory (i+1) x 64 KiB, isolation pagetable
 *   T  ER_HC_DOMAIN_EXIT twice for domain 0 (a guest error)
 *   N  ER_HC_EXIT without ER_HC_DOMAIN_EXIT (a guest error)
 */
    .set HC_BASE, 0x500
    .set HC_CONSOLE, HC_BASE + 1
    .set HC_EXIT, HC_BASE + 2
    .set HC_TIME, HC_BASE + 3
    .set HC_LOG, HC_BASE + 4
    .set HC_DOMAIN_EXIT, HC_BASE + 5
    .set REQ, 0x40000        /* request structs (GPA, inside the unused part of the boot stack) */
    .set BUF, 0x50000        /* scratch output buffer */
    .set ENTRY_STATE, 0x60000

    .text
    .globl _start
_start:
    /* Save the entry state first, before anything changes it (flags before any ALU op). */
    pushfq
    popq ENTRY_STATE + 64
    mov %rdi, ENTRY_STATE + 0
    mov %rsp, ENTRY_STATE + 8
    mov %cr0, %rax
    mov %rax, ENTRY_STATE + 16
    mov %cr3, %rax
    mov %rax, ENTRY_STATE + 24
    mov %cr4, %rax
    mov %rax, ENTRY_STATE + 32
    mov $0xc0000080, %ecx
    rdmsr
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, ENTRY_STATE + 40
    xor %eax, %eax
    mov %cs, %ax
    mov %rax, ENTRY_STATE + 48
    mov %ss, %ax
    mov %rax, ENTRY_STATE + 56

    mov %rdi, %r15              /* boot info */
    mov 208(%r15), %r14         /* domains_gpa: domain 0's er_domain_desc */
    mov $'h', %eax
    cmpl $2, 64(%r14)           /* argc */
    jb dispatch
    mov 48(%r14), %rsi          /* args_gpa: skip argv[0] */
1:  cmpb $0, (%rsi)
    je 2f
    inc %rsi
    jmp 1b
2:  movzbl 1(%rsi), %eax
dispatch:
    cmp $'h', %al; je mode_hello
    cmp $'e', %al; je mode_stderr
    cmp $'a', %al; je mode_args
    cmp $'i', %al; je mode_info
    cmp $'t', %al; je mode_time
    cmp $'l', %al; je mode_log
    cmp $'s', %al; je mode_signal
    cmp $'p', %al; je mode_panic
    cmp $'f', %al; je mode_triple
    cmp $'x', %al; je mode_halt
    cmp $'k', %al; je mode_spin
    cmp $'u', %al; je mode_port
    cmp $'w', %al; je mode_size
    cmp $'r', %al; je mode_in
    cmp $'n', %al; je mode_null
    cmp $'b', %al; je mode_beyond
    cmp $'m', %al; je mode_mmio
    cmp $'c', %al; je mode_stream
    cmp $'o', %al; je mode_zero
    cmp $'g', %al; je mode_longlog
    cmp $'z', %al; je mode_unknown
    cmp $'y', %al; je mode_many
    cmp $'D', %al; je mode_multi
    cmp $'T', %al; je mode_twice
    cmp $'N', %al; je mode_no_domain_exit
    mov $99, %edi
    jmp exit_normal

/* console_write(edi = stream, rsi = GPA, rdx = len) -> rax = ret, for domain 0;
 * console_write_d: the same for domain ecx */
console_write:
    xor %ecx, %ecx
console_write_d:
    movl %edi, REQ + 0
    movl %ecx, REQ + 4
    mov %rsi, REQ + 8
    mov %rdx, REQ + 16
    movq $-1, REQ + 24
    mov $REQ, %eax
    mov $HC_CONSOLE, %dx
    out %eax, %dx
    mov REQ + 24, %rax
    ret

/* exit_normal(edi = status): domain 0 ends with the status, then the enclave */
exit_normal:
    call clear_exit
    movl $0, REQ + 0
    movl %edi, REQ + 4
    jmp do_exit
/* clears the er_hc_domain_exit at REQ (112 bytes) */
clear_exit:
    xor %eax, %eax
    mov $REQ, %rcx
3:  movq $0, (%rcx)
    add $8, %rcx
    cmp $REQ + 112, %rcx
    jb 3b
    ret
/* the er_hc_exit part at REQ is filled: report domain 0's end, then end the enclave */
do_exit:
    movq $1000000, REQ + 64     /* run_ns */
    movq $65536, REQ + 72       /* peak_mem_bytes */
    movl $1, REQ + 80           /* ER_ISO_PAGETABLE */
    call domain_exit
final_exit:
    call clear_exit
    mov $REQ, %eax
    mov $HC_EXIT, %dx
    out %eax, %dx
    ud2                         /* never resumed */
domain_exit:
    mov $REQ, %eax
    mov $HC_DOMAIN_EXIT, %dx
    out %eax, %dx
    ret

mode_hello:
    mov $1, %edi
    lea msg_hello(%rip), %rsi
    mov $msg_hello_len, %edx
    call console_write
    mov $7, %edi
    cmp $msg_hello_len, %rax    /* ret must be the full length */
    je exit_normal
    mov $98, %edi
    jmp exit_normal

mode_stderr:
    mov $2, %edi
    lea msg_stderr(%rip), %rsi
    mov $msg_stderr_len, %edx
    call console_write
    xor %edi, %edi
    jmp exit_normal

mode_args:
    mov 48(%r14), %rsi          /* args_gpa */
    mov 56(%r14), %rcx          /* args_size */
    mov $BUF, %rdi
    mov %rcx, %rdx
4:  test %rcx, %rcx
    jz 5f
    movb (%rsi), %al
    test %al, %al
    jnz 6f
    mov $'\n', %al
6:  movb %al, (%rdi)
    inc %rsi
    inc %rdi
    dec %rcx
    jmp 4b
5:  mov $1, %edi
    mov $BUF, %esi
    call console_write
    xor %edi, %edi
    jmp exit_normal

mode_info:
    mov $1, %edi
    mov %r15, %rsi
    mov $240, %edx
    call console_write
    mov $1, %edi
    mov $0x80000, %esi
    mov $128, %edx
    call console_write
    mov $1, %edi
    mov $ENTRY_STATE, %esi
    mov $72, %edx
    call console_write
    mov $1, %edi
    mov %r14, %rsi
    mov $136, %edx
    call console_write
    xor %edi, %edi
    jmp exit_normal

mode_time:
    mov $BUF, %ebx
    call time_into_rbx
    mov $BUF + 24, %ebx
    call time_into_rbx
    mov $1, %edi
    mov $BUF, %esi
    mov $48, %edx
    call console_write
    xor %edi, %edi
    jmp exit_normal
time_into_rbx:
    mov %ebx, %eax
    mov $HC_TIME, %dx
    out %eax, %dx
    ret

mode_log:
    lea msg_log(%rip), %rax
    mov %rax, REQ + 0
    movq $msg_log_len, REQ + 8
    mov $REQ, %eax
    mov $HC_LOG, %dx
    out %eax, %dx
    xor %edi, %edi
    jmp exit_normal

mode_longlog:
    lea msg_hello(%rip), %rax
    mov %rax, REQ + 0
    movq $257, REQ + 8
    mov $REQ, %eax
    mov $HC_LOG, %dx
    out %eax, %dx
    xor %edi, %edi
    jmp exit_normal

mode_signal:
    call clear_exit
    movl $1, REQ + 0            /* ER_EXIT_SIGNAL */
    movl $11, REQ + 8           /* SIGSEGV */
    movl $14, REQ + 12          /* #PF */
    movq $0, REQ + 16           /* fault_addr */
    movq $0x401136, REQ + 24    /* rip */
    movq $6, REQ + 32           /* error code: user write, not present */
    lea msg_pf(%rip), %rax
    mov %rax, REQ + 40
    movq $msg_pf_len, REQ + 48
    jmp do_exit

mode_panic:
    call clear_exit
    movl $2, REQ + 0            /* ER_EXIT_PANIC */
    lea msg_panic(%rip), %rax
    mov %rax, REQ + 40
    movq $msg_panic_len, REQ + 48
    mov $REQ, %eax              /* a panic ends everything at once: no domain exit */
    mov $HC_EXIT, %dx
    out %eax, %dx
    ud2

mode_triple:
    ud2

mode_halt:
    cli
    hlt
    jmp mode_halt

mode_spin:
    pause
    jmp mode_spin

mode_port:
    mov $REQ, %eax
    mov $0x3f8, %dx
    out %eax, %dx
    xor %edi, %edi
    jmp exit_normal

mode_size:
    mov $HC_CONSOLE, %dx
    out %al, %dx
    xor %edi, %edi
    jmp exit_normal

mode_in:
    mov $HC_CONSOLE, %dx
    in %dx, %eax
    xor %edi, %edi
    jmp exit_normal

mode_null:
    mov $0x100, %eax
    mov $HC_CONSOLE, %dx
    out %eax, %dx
    xor %edi, %edi
    jmp exit_normal

mode_beyond:
    mov $1, %edi
    mov $0x3ffff000, %rsi        /* below 1 GiB, beyond any RAM the tests give */
    mov $16, %edx
    call console_write
    xor %edi, %edi
    jmp exit_normal

mode_mmio:
    movl $1, 0x30000000
    xor %edi, %edi
    jmp exit_normal

mode_stream:
    mov $3, %edi
    lea msg_hello(%rip), %rsi
    mov $msg_hello_len, %edx
    call console_write
    xor %edi, %edi
    jmp exit_normal

mode_zero:
    mov $1, %edi
    mov $0, %esi                /* a zero-length write may point anywhere */
    xor %edx, %edx
    call console_write
    test %rax, %rax
    jnz 7f
    jmp mode_hello
7:  mov $97, %edi
    jmp exit_normal

mode_unknown:
    mov $REQ, %eax
    mov $HC_BASE + 10, %dx
    out %eax, %dx
    xor %edi, %edi
    jmp exit_normal

mode_many:
    mov $1000, %r12d
8:  mov $1, %edi
    lea msg_y(%rip), %rsi
    mov $1, %edx
    call console_write
    dec %r12d
    jnz 8b
    xor %edi, %edi
    jmp exit_normal

mode_multi:
    xor %r12d, %r12d            /* domain index */
9:  cmp 216(%r15), %r12d        /* domain_count */
    jae final_exit
    mov $1, %edi
    lea msg_multi(%rip), %rsi
    mov $3, %edx
    mov %r12d, %ecx
    call console_write_d
    mov $1, %edi
    lea msg_multi+3(%rip), %rsi
    mov $msg_multi_len - 3, %edx
    mov %r12d, %ecx
    call console_write_d
    mov $2, %edi
    lea msg_err(%rip), %rsi
    mov $msg_err_len, %edx
    mov %r12d, %ecx
    call console_write_d
    call clear_exit
    cmp $2, %r12d
    jne 10f
    movl $1, REQ + 0            /* ER_EXIT_SIGNAL */
    movl $11, REQ + 8           /* SIGSEGV */
    movl $14, REQ + 12          /* #PF */
    movq $0x401136, REQ + 24
    lea msg_pf(%rip), %rax
    mov %rax, REQ + 40
    movq $msg_pf_len, REQ + 48
    jmp 11f
10: movl %r12d, REQ + 4         /* exit status = index */
11: movl %r12d, REQ + 56        /* exit.domain */
    lea 1(%r12), %rax
    imul $1000000, %rax
    mov %rax, REQ + 64          /* run_ns */
    lea 1(%r12), %rax
    shl $16, %rax
    mov %rax, REQ + 72          /* peak_mem_bytes */
    movl $1, REQ + 80           /* ER_ISO_PAGETABLE */
    call domain_exit
    inc %r12d
    jmp 9b

mode_twice:
    call clear_exit
    movl $1, REQ + 80
    call domain_exit
    call domain_exit
    jmp final_exit

mode_no_domain_exit:
    jmp final_exit

    .section .rodata
msg_multi: .ascii "hello\npartial"
    .set msg_multi_len, . - msg_multi
msg_err: .ascii "err\n"
    .set msg_err_len, . - msg_err
msg_hello: .ascii "test-guest: hello\n"
    .set msg_hello_len, . - msg_hello
msg_stderr: .ascii "test-guest: to stderr\n"
    .set msg_stderr_len, . - msg_stderr
msg_log: .ascii "log\001line\n"
    .set msg_log_len, . - msg_log
msg_pf: .ascii "page fault: write to unmapped address"
    .set msg_pf_len, . - msg_pf
msg_panic: .ascii "test panic"
    .set msg_panic_len, . - msg_panic
msg_y: .ascii "y"

    .section .note.GNU-stack, "", @progbits
