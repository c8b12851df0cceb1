/* The isolation-cost loops of bench/run.sh, one static PIE that runs unchanged as a Linux process,
 * in an enclave-run domain (page tables or MPK) and under gVisor, so every row of the table times
 * the very same instructions.  Times are rdtsc cycles around each single operation; the median is
 * printed, so the few calls a timer tick stretched do not count.  Under QEMU TCG (the test VM)
 * they are emulated cycles: compare them only with rows of the same run.
 *
 *   er-bench syscall N     getppid() round trip
 *   er-bench yield N       sched_yield(); with K domains all yielding, one yield = K syscall round
 *                          trips + K switches
 *   er-bench fault N       first write to each of N fresh anonymous pages (page-fault service)
 *   er-bench hypercall N   write(1, 1 byte) + read(0): in a domain the read flushes the console,
 *                          one hypercall (VM exit) each; as a process two plain syscalls
 *   er-bench pipe N        a 1-byte ping-pong through two pipes with a forked child, both pinned
 *                          to CPU 0: the median round trip (2 switches + 4 syscalls)
 *   er-bench sleep         sleeps for ever (a resident domain for the density and add curves)
 *
 * Prints "er-bench: MODE median=C n=N". */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

static int cmp(const void* a, const void* b) {
    uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
    return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t* s, long n) {
    qsort(s, (size_t)n, sizeof s[0], cmp);
    return s[n / 2];
}

static void pin_cpu0(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    sched_setaffinity(0, sizeof set, &set); /* best effort: a domain has one CPU anyway */
}

static long pipe_pingpong(uint64_t* s, long n) {
    int ab[2], ba[2];
    if (pipe(ab) != 0 || pipe(ba) != 0) return -1;
    pin_cpu0();
    pid_t child = fork();
    if (child < 0) return -1;
    char c = 0;
    if (child == 0) {
        for (long i = 0; i < n; i++) {
            if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1) _exit(1);
        }
        _exit(0);
    }
    for (long i = 0; i < n; i++) {
        uint64_t t0 = rdtsc();
        if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1) return -1;
        s[i] = rdtsc() - t0;
    }
    int st = 0;
    waitpid(child, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "sleep") == 0) {
        /* One line the harness counts once it is out: in a domain, read(0) flushes the console. */
        fputs("er-bench: sleeping\n", stdout);
        fflush(stdout);
        char b;
        if (read(0, &b, 1) < 0) return 1;
        for (;;) sleep(100000);
    }
    long n = argc > 2 ? atol(argv[2]) : 10000;
    if (n < 1 || n > 1000000) n = 10000;
    uint64_t* s = malloc(sizeof(uint64_t) * (size_t)n);
    if (s == NULL) return 1;
    char c = 'x';
    if (strcmp(mode, "syscall") == 0 || strcmp(mode, "yield") == 0) {
        long nr = mode[0] == 's' ? SYS_getppid : SYS_sched_yield;
        for (long i = 0; i < n; i++) {
            uint64_t t0 = rdtsc();
            syscall(nr);
            s[i] = rdtsc() - t0;
        }
    } else if (strcmp(mode, "fault") == 0) {
        volatile char* p = mmap(NULL, (size_t)n * 4096, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return 1;
        /* One fault per 4 KiB page everywhere: without this Linux may back the range with 2 MiB
         * pages and fault once per 512 (an error, where a domain has no such advice, is fine). */
        madvise((void*)p, (size_t)n * 4096, MADV_NOHUGEPAGE);
        for (long i = 0; i < n; i++) {
            uint64_t t0 = rdtsc();
            p[i * 4096] = 1;
            s[i] = rdtsc() - t0;
        }
    } else if (strcmp(mode, "hypercall") == 0) {
        for (long i = 0; i < n; i++) {
            uint64_t t0 = rdtsc();
            if (write(1, &c, 1) != 1) return 1;
            if (read(0, &c, 1) < 0) return 1;
            s[i] = rdtsc() - t0;
        }
    } else if (strcmp(mode, "pipe") == 0) {
        if (pipe_pingpong(s, n) != 0) return 1;
    } else {
        fprintf(stderr, "usage: er-bench syscall|yield|fault|hypercall|pipe N | sleep\n");
        return 2;
    }
    /* On stderr: stdout carries the hypercall loop's bytes. */
    fprintf(stderr, "er-bench: %s median=%llu n=%ld\n", mode, (unsigned long long)median(s, n), n);
    return 0;
}
