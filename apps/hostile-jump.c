/* Hostile: transfers control out of its own code.  Must be killed with SIGSEGV at the jump:
 *
 *   hostile-jump [kernel]   jumps to kernel text at 0xffffffff80100000: a supervisor page
 *                           ("user execute of kernel page"; SMEP would stop the kernel
 *                           executing user pages the other way round)
 *   hostile-jump direct-map jumps into the direct map of RAM (supervisor and NX)
 *   hostile-jump other      jumps to 0x555555554000, where a static-PIE domain's code lives in
 *                           that domain's own address space; this app is EXEC at 0x400000, so
 *                           nothing of its own is there ("execute at unmapped address")
 *   hostile-jump stack      copies a `ret` onto its stack and calls it (NX stack)
 *
 * Prints what it tries first (flushed); prints and exits 1 if the jump ever comes back. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile uintptr_t kernel_text = 0xffffffff80100000ull;
static volatile uintptr_t direct_map = 0xffff800000100000ull;
static volatile uintptr_t pie_base = 0x555555554000ull;

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "kernel";
    volatile unsigned char stack_code[16];
    uintptr_t target;
    if (strcmp(mode, "kernel") == 0) {
        target = kernel_text;
    } else if (strcmp(mode, "direct-map") == 0) {
        target = direct_map;
    } else if (strcmp(mode, "other") == 0) {
        target = pie_base;
    } else if (strcmp(mode, "stack") == 0) {
        stack_code[0] = 0xc3; /* ret */
        target = (uintptr_t)stack_code;
    } else {
        fprintf(stderr, "hostile-jump: unknown mode '%s' (kernel|direct-map|other|stack)\n", mode);
        return 2;
    }
    printf("hostile-jump: jumping to %s at %#lx\n", mode, (unsigned long)target);
    fflush(stdout);
    ((void (*)(void))target)();
    printf("hostile-jump: came back from %#lx: NOT CONTAINED\n", (unsigned long)target);
    return 1;
}
