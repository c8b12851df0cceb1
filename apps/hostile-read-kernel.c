/* Hostile: reads the library OS's memory from CPL3.  Must be killed with SIGSEGV at the first
 * read ("user read of kernel page"): the kernel half is mapped supervisor-only.
 *
 *   hostile-read-kernel [direct-map]  reads the direct map of RAM at 0xffff800000100000 (the
 *                                     kernel image's frames; every domain's frames are there too)
 *   hostile-read-kernel text          reads kernel text at 0xffffffff80100000
 *
 * It prints what it tries first (flushed), so a test knows it got that far, and prints the
 * value and exits 1 if the read ever succeeds. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* volatile so the compiler keeps the load where it is. */
static volatile uintptr_t direct_map = 0xffff800000100000ull;
static volatile uintptr_t kernel_text = 0xffffffff80100000ull;

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "direct-map";
    uintptr_t addr;
    if (strcmp(mode, "direct-map") == 0) {
        addr = direct_map;
    } else if (strcmp(mode, "text") == 0) {
        addr = kernel_text;
    } else {
        fprintf(stderr, "hostile-read-kernel: unknown mode '%s' (direct-map|text)\n", mode);
        return 2;
    }
    printf("hostile-read-kernel: reading %s at %#lx\n", mode, (unsigned long)addr);
    fflush(stdout);
    uint64_t value = *(volatile uint64_t*)addr;
    printf("hostile-read-kernel: read %#llx: NOT CONTAINED\n", (unsigned long long)value);
    return 1;
}
