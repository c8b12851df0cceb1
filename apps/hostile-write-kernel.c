/* Hostile: writes the library OS's memory from CPL3.  Must be killed with SIGSEGV at the first
 * write ("user write to kernel page"): kernel pages are supervisor-only, and text is read-only
 * to the kernel itself (CR0.WP).
 *
 *   hostile-write-kernel [text]   writes kernel text at 0xffffffff80100000
 *   hostile-write-kernel data     writes the direct map of RAM at 0xffff800000100000 (the
 *                                 kernel's frames; writable to the kernel through this map)
 *   hostile-write-kernel boot     writes the boot info page through the direct map (0x1000)
 *
 * Prints what it tries first (flushed); prints and exits 1 if the write ever succeeds. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile uintptr_t kernel_text = 0xffffffff80100000ull;
static volatile uintptr_t direct_map = 0xffff800000100000ull;
static volatile uintptr_t boot_info = 0xffff800000001000ull;

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "text";
    uintptr_t addr;
    if (strcmp(mode, "text") == 0) {
        addr = kernel_text;
    } else if (strcmp(mode, "data") == 0) {
        addr = direct_map;
    } else if (strcmp(mode, "boot") == 0) {
        addr = boot_info;
    } else {
        fprintf(stderr, "hostile-write-kernel: unknown mode '%s' (text|data|boot)\n", mode);
        return 2;
    }
    printf("hostile-write-kernel: writing %s at %#lx\n", mode, (unsigned long)addr);
    fflush(stdout);
    *(volatile uint64_t*)addr = 0xcc; /* int3 bytes, were it kernel text */
    printf("hostile-write-kernel: write to %#lx: NOT CONTAINED\n", (unsigned long)addr);
    return 1;
}
