/* Not runnable on purpose: 42 TiB of .bss, more than a page-table domain's address space holds
 * below its mmap area (docs/launcher.md "Refused before boot").  Built as a static PIE with
 * -mcmodel=medium, so the array goes to .lbss after everything else and the linker accepts it;
 * the ELF parser accepts it too.  enclave-run must refuse it before boot, naming it. */
#include <stdio.h>

static char huge[42ull << 40];

int main(void) {
    printf("huge-bss: loaded at %p: NOT REFUSED\n", (void*)huge);
    return 1;
}
