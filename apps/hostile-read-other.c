/* Hostile: tries to see other domains' memory.  Domains on the page-table backend each have their
 * own address space, so addresses where another domain's pages live are simply not mapped here.
 *
 * First it maps and touches fresh anonymous memory (MIB MiB, default 8) and checks every byte
 * is zero: frames another domain used (and freed, or died holding) must never reach it with
 * their old contents.  Then it reads, and must be killed at the first read ("read of unmapped
 * address"):
 *
 *   hostile-read-other [pie] [MIB]  0x555555554000, the load base of static-PIE domains (this
 *                                   app is EXEC at 0x400000, so none of its own pages are there)
 *   hostile-read-other exec [MIB]   0x400000, where classic static (EXEC) domains are linked: for
 *                                   the static-PIE build hostile-read-other-pie, loaded elsewhere
 *   hostile-read-other high [MIB]   0x7e0000000000, far below the mmap area, mapped by nobody here
 *   hostile-read-other low [MIB]    0x10000000, above this app's small image and heap: unmapped
 *                                   here; in a domain with a bigger image or heap it is its own
 *
 * Prints each step (flushed); prints the bytes and exits 1 if a read ever succeeds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static volatile uintptr_t pie_base = 0x555555554000ull;
static volatile uintptr_t exec_base = 0x400000ull;
static volatile uintptr_t high_hole = 0x7e0000000000ull;
static volatile uintptr_t low_hole = 0x10000000ull;

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "pie";
    size_t mib = argc > 2 ? (size_t)atoi(argv[2]) : 8;
    uintptr_t addr;
    if (strcmp(mode, "pie") == 0) {
        addr = pie_base;
    } else if (strcmp(mode, "exec") == 0) {
        addr = exec_base;
    } else if (strcmp(mode, "high") == 0) {
        addr = high_hole;
    } else if (strcmp(mode, "low") == 0) {
        addr = low_hole;
    } else {
        fprintf(stderr, "hostile-read-other: unknown mode '%s' (pie|exec|high|low)\n", mode);
        return 2;
    }

    size_t len = mib << 20;
    if (len != 0) {
        uint64_t* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            printf("hostile-read-other: mmap of %zu MiB failed\n", mib);
            return 1;
        }
        for (size_t i = 0; i < len / 8; i++) {
            if (p[i] != 0) {
                printf("hostile-read-other: fresh memory not zero at +%#zx: %#llx: NOT CONTAINED\n",
                       i * 8, (unsigned long long)p[i]);
                return 1;
            }
        }
        printf("hostile-read-other: %zu MiB of fresh memory read as zero\n", mib);
    }
    printf("hostile-read-other: reading %s at %#lx\n", mode, (unsigned long)addr);
    fflush(stdout);
    uint64_t value = *(volatile uint64_t*)addr;
    printf("hostile-read-other: read %#llx at %#lx: NOT CONTAINED\n", (unsigned long long)value,
           (unsigned long)addr);
    return 1;
}
