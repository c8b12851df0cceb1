/* Exercises the memory system calls a libc needs: brk growth, malloc/free over many sizes (musl
 * serves small ones from brk/mmap'd groups and large ones from mmap), and a plain anonymous mmap
 * touched page by page.  Every byte written is read back.  Prints "alloc: ok N bytes" (N = bytes
 * allocated and checked) and exits 0, or prints what failed and exits 1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096u
#define MIB (1024u * 1024u)

static unsigned long long checked_bytes;

static uint8_t pattern(size_t i, size_t seed) {
    return (uint8_t)((i * 31u) ^ (seed * 7u) ^ 0x5a);
}

static void fill(uint8_t* p, size_t n, size_t seed) {
    for (size_t i = 0; i < n; ++i) p[i] = pattern(i, seed);
}

static int verify(const uint8_t* p, size_t n, size_t seed, const char* what) {
    for (size_t i = 0; i < n; ++i) {
        if (p[i] != pattern(i, seed)) {
            printf("alloc: %s: byte %zu of %zu is %#x, expected %#x\n", what, i, n, p[i],
                   pattern(i, seed));
            return 0;
        }
    }
    checked_bytes += n;
    return 1;
}

/* musl's sbrk() only answers sbrk(0), so grow the break with the raw system call. */
static int test_brk(void) {
    uintptr_t start = (uintptr_t)syscall(SYS_brk, 0);
    uintptr_t want = start + MIB;
    uintptr_t got = (uintptr_t)syscall(SYS_brk, want);
    if (start == 0 || got != want) {
        printf("alloc: brk did not grow from %#lx to %#lx (got %#lx)\n", (unsigned long)start,
               (unsigned long)want, (unsigned long)got);
        return 0;
    }
    fill((uint8_t*)start, MIB, 1);
    return verify((const uint8_t*)start, MIB, 1, "brk");
}

/* Many sizes, several alive at once, so a block handed out twice or overlapping shows up. */
static int test_malloc(void) {
    enum { kLive = 8 };
    uint8_t* live[kLive] = {0};
    size_t live_size[kLive] = {0};
    size_t n = 0;
    for (size_t size = 1; size <= 32u * MIB; size = size < 64 ? size + 1 : size * 2 - size / 3) {
        size_t slot = n % kLive;
        if (live[slot] != NULL) {
            if (!verify(live[slot], live_size[slot], live_size[slot], "malloc")) return 0;
            free(live[slot]);
        }
        live[slot] = malloc(size);
        if (live[slot] == NULL) {
            printf("alloc: malloc(%zu) failed\n", size);
            return 0;
        }
        live_size[slot] = size;
        fill(live[slot], size, size);
        ++n;
    }
    uint8_t* big = malloc(32u * MIB);
    if (big == NULL) {
        printf("alloc: malloc(32 MiB) failed\n");
        return 0;
    }
    fill(big, 32u * MIB, 3);
    if (!verify(big, 32u * MIB, 3, "malloc 32 MiB")) return 0;
    free(big);
    for (size_t slot = 0; slot < kLive; ++slot) {
        if (live[slot] == NULL) continue;
        if (!verify(live[slot], live_size[slot], live_size[slot], "malloc")) return 0;
        free(live[slot]);
    }
    return 1;
}

static int test_mmap(void) {
    size_t len = 16u * MIB;
    uint8_t* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("alloc: mmap(16 MiB) failed\n");
        return 0;
    }
    for (size_t off = 0; off < len; off += PAGE) {
        if (p[off] != 0) {
            printf("alloc: fresh mmap page at offset %zu is not zero\n", off);
            return 0;
        }
        fill(p + off, PAGE, off / PAGE);
    }
    for (size_t off = 0; off < len; off += PAGE)
        if (!verify(p + off, PAGE, off / PAGE, "mmap")) return 0;
    if (munmap(p, len) != 0) {
        printf("alloc: munmap failed\n");
        return 0;
    }
    return 1;
}

int main(void) {
    if (!test_brk() || !test_malloc() || !test_mmap()) return 1;
    printf("alloc: ok %llu bytes\n", checked_bytes);
    return 0;
}
