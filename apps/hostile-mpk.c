/* Hostile, for MPK domains (docs/mpk.md): a static PIE that shares an address space with other
 * static-PIE domains and tries to reach their memory.  Domains there are told apart only by
 * protection keys: the domain with key K owns the 4 TiB window [K << 42, (K + 1) << 42), its image
 * loaded 4 GiB in, its stack ending 8 KiB below the window's end.  Both pages below are present
 * (the loader wrote them), so an access is stopped by the key alone.
 *
 *   hostile-mpk read [K]     reads the first page of the image of the domain with key K (default
 *                            1): must be killed, "protection key K denies a read of another ..."
 *   hostile-mpk write [K]    writes just below K's stack top: killed the same way, for a write
 *   hostile-mpk syscall [K]  asks the libOS to read, unmap, reprotect, discard and map over K's
 *                            window for it; every call must fail (EFAULT, EINVAL, ENOMEM or
 *                            EPERM) without touching it; exits 0 if all failed, else 1
 *
 * First prints "hostile-mpk: key N" with the key of its own window (from the address of main),
 * so a test can see it really is an MPK domain (key 0: it got its own page tables). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "er_check.h"

#define WINDOW_SHIFT 42
#define IMAGE_OFFSET (1ull << 32)

static int calls, wrong;

static void expect_failure(const char* what, long ret) {
    calls++;
    int ok = ret == -14 || ret == -22 || ret == -12 || ret == -1;
    if (!ok) wrong++;
    printf("hostile-mpk: %s = %ld%s\n", what, ret, ok ? "" : " NOT CONTAINED");
    fflush(stdout);
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "read";
    unsigned key = argc > 2 ? (unsigned)atoi(argv[2]) : 1;
    uintptr_t own = (uintptr_t)&main >> WINDOW_SHIFT;
    printf("hostile-mpk: key %lu\n", (unsigned long)own);
    fflush(stdout);
    uintptr_t window = (uintptr_t)key << WINDOW_SHIFT;
    uintptr_t image = window + IMAGE_OFFSET;
    uintptr_t stack = window + (1ull << WINDOW_SHIFT) - 8192 - 8;

    if (strcmp(mode, "read") == 0) {
        printf("hostile-mpk: reading key %u's image at %#lx\n", key, (unsigned long)image);
        fflush(stdout);
        uint64_t v = *(volatile uint64_t*)image;
        printf("hostile-mpk: read %#llx: NOT CONTAINED\n", (unsigned long long)v);
        return 1;
    }
    if (strcmp(mode, "write") == 0) {
        printf("hostile-mpk: writing key %u's stack at %#lx\n", key, (unsigned long)stack);
        fflush(stdout);
        *(volatile uint64_t*)stack = 0x6861636b6564ull;
        printf("hostile-mpk: wrote: NOT CONTAINED\n");
        return 1;
    }
    if (strcmp(mode, "syscall") != 0) {
        fprintf(stderr, "hostile-mpk: unknown mode '%s' (read|write|syscall)\n", mode);
        return 2;
    }
    long size = 1l << WINDOW_SHIFT;
    long w = (long)window;
    expect_failure("write(1, its image, 16)", raw(SYS_write, 1, (long)image, 16, 0, 0, 0));
    expect_failure("getrandom(its stack, 8, 0)", raw(SYS_getrandom, (long)stack, 8, 0, 0, 0, 0));
    expect_failure("clock_gettime(MONOTONIC, its stack)",
                   raw(SYS_clock_gettime, 1, (long)stack, 0, 0, 0, 0));
    expect_failure("madvise(its window, DONTNEED)", raw(SYS_madvise, w, size, 4, 0, 0, 0));
    expect_failure("mprotect(its window, PROT_NONE)", raw(SYS_mprotect, w, size, 0, 0, 0, 0));
    expect_failure("munmap(its window)", raw(SYS_munmap, w, size, 0, 0, 0, 0));
    expect_failure("munmap(its image page)", raw(SYS_munmap, (long)image, 4096, 0, 0, 0, 0));
    long fixed = raw(SYS_mmap, (long)image, 4096, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    expect_failure("mmap(its image page, MAP_FIXED)", fixed);
    /* A hint there is only a hint: the mapping must land in this domain's own window. */
    long hinted = raw(SYS_mmap, (long)image, 4096, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    calls++;
    int hint_ok = hinted > 0 && ((uintptr_t)hinted >> WINDOW_SHIFT) == own;
    if (!hint_ok) wrong++;
    printf("hostile-mpk: mmap(hint its image) landed in key %lu's window%s\n",
           (unsigned long)((uintptr_t)hinted >> WINDOW_SHIFT), hint_ok ? "" : " NOT CONTAINED");
    printf("hostile-mpk: %d calls, %d not refused\n", calls, wrong);
    return wrong == 0 ? 0 : 1;
}
