/* The in-guest cost of a syscall round trip and of a domain switch (issue #4, bench/README.md),
 * measured with rdtsc inside the guest and printed for the host.
 *
 *   mpk-bench [N]   N (default 20000) sched_yield() calls, then N getppid() round trips.
 *
 * Run two of them in one enclave.  While both are yielding, one yield of A returns after A's
 * syscall, a switch to B, B's return from its own yield, B's next yield and a switch back: two
 * syscall round trips and two domain switches (scheduler, address-space or PKRU change, FPU
 * state).  So switch = (yield - 2 * syscall) / 2.  Under the MPK backend the two share one address
 * space and a switch writes PKRU; under the page-table backend it writes CR3.
 * Prints "mpk-bench: key K syscall S cycles yield Y cycles" (K: the key of its MPK window, 0 on
 * page tables): the median over every single call, so the few calls that a timer tick or the
 * other domain's other phase stretched do not count.
 * Under QEMU TCG these are emulated TSC cycles, not hardware numbers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "er_check.h"

static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

static int cmp(const void* a, const void* b) {
    uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
    return x < y ? -1 : x > y;
}

static uint64_t median_cycles(long nr, uint64_t* samples, long n) {
    for (long i = 0; i < n; i++) {
        uint64_t t0 = rdtsc();
        raw(nr, 0, 0, 0, 0, 0, 0);
        samples[i] = rdtsc() - t0;
    }
    qsort(samples, (size_t)n, sizeof samples[0], cmp);
    return samples[n / 2];
}

int main(int argc, char** argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000;
    if (n < 1 || n > 1000000) n = 20000;
    uint64_t* samples = malloc(sizeof(uint64_t) * (size_t)n);
    if (samples == NULL) return 1;
    unsigned long key = (uintptr_t)&main >> 42;
    uint64_t yield = median_cycles(SYS_sched_yield, samples, n);
    uint64_t sys = median_cycles(SYS_getppid, samples, n);
    printf("mpk-bench: key %lu syscall %llu cycles yield %llu cycles\n", key,
           (unsigned long long)sys, (unsigned long long)yield);
    return 0;
}
