/* Checks that a domain's SSE registers survive preemption: loads xmm0-xmm15 with a pattern from
 * SEED, spins for about MS milliseconds of wall time (several timer ticks, so other domains run in
 * between) re-checking them, and prints "fpu-check SEED: ok" or what changed.  Run two or more at
 * once (enclave-run run fpu-check 1 --- fpu-check 2): without per-domain FPU state they would
 * see each other's values.  Exits 0 when intact.  Built with musl-gcc -static. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#define LOAD(n) __asm__ volatile("movdqu %0, %%xmm" #n ::"m"(in[n]))
#define STORE(n) __asm__ volatile("movdqu %%xmm" #n ", %0" : "=m"(out[n]))

int main(int argc, char** argv) {
    uint64_t seed = argc > 1 ? strtoull(argv[1], 0, 0) : 1;
    uint64_t ms = argc > 2 ? strtoull(argv[2], 0, 0) : 300;
    typedef struct {
        uint64_t lo, hi;
    } V;
    static V in[16], out[16];
    for (int i = 0; i < 16; i++) {
        in[i].lo = seed * 0x9E3779B97F4A7C15ull + (uint64_t)i;
        in[i].hi = ~in[i].lo ^ seed;
    }
    uint64_t end = now_ms() + ms;
    long rounds = 0;
    do {
        LOAD(0);
        LOAD(1);
        LOAD(2);
        LOAD(3);
        LOAD(4);
        LOAD(5);
        LOAD(6);
        LOAD(7);
        LOAD(8);
        LOAD(9);
        LOAD(10);
        LOAD(11);
        LOAD(12);
        LOAD(13);
        LOAD(14);
        LOAD(15);
        /* A long register-only stretch: the tick lands here, not in a syscall. */
        for (volatile long spin = 0; spin < 2000000; spin++) {
        }
        STORE(0);
        STORE(1);
        STORE(2);
        STORE(3);
        STORE(4);
        STORE(5);
        STORE(6);
        STORE(7);
        STORE(8);
        STORE(9);
        STORE(10);
        STORE(11);
        STORE(12);
        STORE(13);
        STORE(14);
        STORE(15);
        for (int i = 0; i < 16; i++) {
            if (out[i].lo != in[i].lo || out[i].hi != in[i].hi) {
                printf("fpu-check %llu: xmm%d changed after %ld rounds\n", (unsigned long long)seed,
                       i, rounds);
                return 1;
            }
        }
        rounds++;
    } while (now_ms() < end);
    printf("fpu-check %llu: ok (%ld rounds)\n", (unsigned long long)seed, rounds);
    return 0;
}
