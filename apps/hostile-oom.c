/* Hostile: allocates and touches memory until something stops it.  In an enclave where its
 * domain has a memory limit, it must die alone at that limit (killed "out of memory", or an
 * ENOMEM from mmap, after which it exits 12); the other domains keep their memory and output.
 *
 * Maps 1 MiB at a time and writes every page (mappings are demand-zero, so only touched pages
 * cost frames).  Prints "hostile-oom: allocating" first and "hostile-oom: N MiB" after each
 * 16 MiB (flushed), so a test can see how far it got; gives up after MAX MiB (default 65536)
 * with exit 1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char** argv) {
    long max_mib = argc > 1 ? atol(argv[1]) : 65536;
    puts("hostile-oom: allocating");
    fflush(stdout);
    for (long mib = 1; mib <= max_mib; mib++) {
        volatile unsigned char* p =
            mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            printf("hostile-oom: mmap failed with ENOMEM after %ld MiB\n", mib - 1);
            return 12;
        }
        for (unsigned off = 0; off < (1u << 20); off += 4096) p[off] = (unsigned char)mib;
        if (mib % 16 == 0) {
            printf("hostile-oom: %ld MiB\n", mib);
            fflush(stdout);
        }
    }
    printf("hostile-oom: %ld MiB and still alive: NOT CONTAINED\n", max_mib);
    return 1;
}
