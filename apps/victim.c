/* A well-behaved app with exactly known output, run next to hostile apps: if a hostile domain
 * could read or write this one's memory, or the scheduler corrupted its registers, the output
 * would change.  Prints LINES lines (default 50) "victim N CHECKSUM" and exits 0.
 *
 * Each line's checksum covers a fresh computation (splitmix64 steps seeded by N) and a 64 KiB
 * pattern kept in .bss and another in the heap, re-verified before every line: any foreign write
 * to either shows as a wrong checksum and a "victim: memory changed" line on stderr (exit 1).
 * Between lines it calls sched_yield() so it stays alive long enough to overlap with the other
 * domains (the result is ignored: -ENOSYS is fine where the libOS lacks it).
 *
 * `victim LINES clock` also prints "victim: started at NS" and "victim: done at NS" on stderr
 * (CLOCK_MONOTONIC, shared by all domains of an enclave), for the scheduling-delay test.
 *
 * tests/integration/domains_test.cpp recomputes the same numbers; change both together. */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARENA_WORDS 8192 /* 64 KiB */
#define WORK 20000       /* splitmix64 steps per line: enough to span several timer ticks */

static uint64_t bss_arena[ARENA_WORDS];

static uint64_t splitmix64(uint64_t* s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void fill(uint64_t* a, uint64_t seed) {
    for (int i = 0; i < ARENA_WORDS; i++) a[i] = splitmix64(&seed);
}

/* Returns the index of the first word that differs from the pattern, or -1. */
static int verify(const uint64_t* a, uint64_t seed) {
    for (int i = 0; i < ARENA_WORDS; i++) {
        if (a[i] != splitmix64(&seed)) return i;
    }
    return -1;
}

static uint64_t fold(const uint64_t* a) {
    uint64_t h = 0;
    for (int i = 0; i < ARENA_WORDS; i++) h = h * 31 + a[i];
    return h;
}

static long long monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

int main(int argc, char** argv) {
    int lines = argc > 1 ? atoi(argv[1]) : 50;
    int clock = argc > 2 && strcmp(argv[2], "clock") == 0;
    if (clock) {
        fprintf(stderr, "victim: started at %lld\n", monotonic_ns());
        fflush(stderr);
    }
    uint64_t* heap_arena = malloc(sizeof(uint64_t) * ARENA_WORDS);
    if (heap_arena == NULL) {
        fputs("victim: malloc failed\n", stderr);
        return 1;
    }
    fill(bss_arena, 0x5eedull);
    fill(heap_arena, 0xbeefull);
    for (int n = 1; n <= lines; n++) {
        int bad_bss = verify(bss_arena, 0x5eedull);
        int bad_heap = verify(heap_arena, 0xbeefull);
        if (bad_bss >= 0 || bad_heap >= 0) {
            fprintf(stderr, "victim: memory changed before line %d (bss word %d, heap word %d)\n",
                    n, bad_bss, bad_heap);
            return 1;
        }
        uint64_t s = (uint64_t)n, acc = 0;
        for (int k = 0; k < WORK; k++) acc ^= splitmix64(&s);
        acc ^= fold(bss_arena) ^ (fold(heap_arena) << 1);
        printf("victim %d %016llx\n", n, (unsigned long long)acc);
        fflush(stdout);
        sched_yield();
    }
    if (clock) fprintf(stderr, "victim: done at %lld\n", monotonic_ns());
    return 0;
}
