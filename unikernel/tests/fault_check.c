/* Faults the smoke test expects the unikernel to turn into Linux-like kills (argv[1] picks one):
 *   exec-data   jump into a writable, non-executable page    SIGSEGV execute of non-executable
 *   write-text  store into the app's own code                SIGSEGV write to read-only memory
 *   prot-none   read a PROT_NONE page                        SIGSEGV read of inaccessible
 *   int3        breakpoint                                   SIGTRAP
 *   cli         privileged instruction                       SIGSEGV (privileged instruction)
 *   stack       unbounded recursion past the 8 MiB stack     SIGSEGV
 *   outl        a hypercall attempt from the app             SIGSEGV (privileged instruction)
 *   deep-stack  use 7 MiB of stack, then exit 0 (demand paging of the stack works) */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static volatile long forever = 1L << 40; /* volatile: the compiler cannot see the end */

static int recurse(volatile char* prev, long depth) {
    volatile char pad[4096];
    pad[0] = prev ? prev[0] + 1 : 0;
    if (depth >= forever) return pad[0];
    return recurse(pad, depth + 1) + pad[100];
}

static int deep(int n) {
    volatile char pad[1 << 16];
    pad[0] = (char)n;
    pad[sizeof pad - 1] = (char)n;
    return n == 0 ? pad[0] : deep(n - 1) + pad[sizeof pad - 1];
}

int main(int argc, char** argv) {
    const char* m = argc > 1 ? argv[1] : "";
    if (!strcmp(m, "exec-data")) {
        static unsigned char code[16] = {0xc3};  // ret, in .data
        ((void (*)(void))code)();
    } else if (!strcmp(m, "write-text")) {
        *(volatile unsigned char*)main = 0xcc;
    } else if (!strcmp(m, "prot-none")) {
        volatile char* p = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        (void)p[0];
    } else if (!strcmp(m, "int3")) {
        __asm__ volatile("int3");
    } else if (!strcmp(m, "cli")) {
        __asm__ volatile("cli");
    } else if (!strcmp(m, "stack")) {
        return recurse(0, 0);
    } else if (!strcmp(m, "outl")) {
        __asm__ volatile("outl %%eax, %%dx" ::"a"(0x1000), "d"(0x502));
    } else if (!strcmp(m, "deep-stack")) {
        printf("deep-stack %d\n", deep(110));  // 111 frames of 64 KiB: ~7 MiB
        return 0;
    } else {
        fprintf(stderr, "fault-check: unknown mode '%s'\n", m);
        return 2;
    }
    fprintf(stderr, "fault-check: '%s' did not fault\n", m);
    return 1;
}
