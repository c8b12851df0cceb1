/* Measures how long one domain can keep the others off the CPU with a single syscall: every
 * syscall runs with interrupts off, so its cost must be bounded by the work it really does
 * (docs/threat-model.md "Bounded kernel work").  Two roles, run as two domains of one enclave:
 *
 *   stall-check victim MS [LIMIT_US]
 *       loops reading CLOCK_MONOTONIC for MS milliseconds and prints
 *       "stall-check: victim max gap US us over MS ms (N reads, K gaps over LIMIT_US us)": the
 *       longest time between two consecutive reads, i.e. the longest time it was kept off the
 *       CPU, and how many gaps were longer than LIMIT_US.
 *   stall-check hostile MS [GIB [ATTACK]]
 *       repeats the long-range attacks for MS milliseconds over ranges of GIB GiB (default
 *       102400: 100 TiB, halved until the kernel grants the mapping) and prints
 *       "stall-check: hostile N rounds over GIB GiB, C checks, 0 failed" and its own slowest step
 *       (exit 0), or a FAIL line per result that is not Linux's.  ATTACK picks one: writev, readv,
 * mprotect, madvise, fixed, munmap, brk; or spin, which attacks nothing (the control: the gap round
 * robin alone gives).
 *
 * The attacks: writev/readv whose one iovec covers a huge mapping and ends in a hole (-EFAULT);
 * mprotect, madvise(MADV_DONTNEED), mmap(MAP_FIXED) over and munmap of a huge mapping with one
 * page touched at each end; brk grown by GIB and shrunk back.  Built with musl-gcc -static by
 * unikernel/CMakeLists.txt; run by tests/integration/stall_test.cpp. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#include "er_check.h"

static const long kPage = 4096;

static long now_ns(void) {
    struct timespec ts;
    raw(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0, 0, 0);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* The hostile side's own view: its slowest step and which one it was. */
static long slowest_ns;
static const char* slowest_what = "none";
static long round_now, slowest_round;

static void timed(const char* what, long t0) {
    long d = now_ns() - t0;
    if (d > slowest_ns) {
        slowest_ns = d;
        slowest_what = what;
        slowest_round = round_now;
    }
}

static long call(const char* what, long nr, long a, long b, long c, long d, long e, long f) {
    long t0 = now_ns();
    long r = raw(nr, a, b, c, d, e, f);
    timed(what, t0);
    return r;
}

static int victim(long ms, long limit_us) {
    long start = now_ns(), last = start, max_gap = 0, reads = 0, over = 0;
    while (last - start < ms * 1000000L) {
        long t = now_ns();
        if (t - last > max_gap) max_gap = t - last;
        if (limit_us > 0 && t - last > limit_us * 1000) over++;
        last = t;
        reads++;
    }
    printf("stall-check: victim max gap %ld us over %ld ms (%ld reads, %ld gaps over %ld us)\n",
           max_gap / 1000, ms, reads, over, limit_us);
    return 0;
}

/* A private anonymous mapping of *size bytes (halved until granted), or 0. */
static long map_huge(unsigned long* size, long prot) {
    for (; *size >= (1ul << 30); *size /= 2) {
        long r = call("mmap", SYS_mmap, 0, (long)*size, prot,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (r > 0) return r;
    }
    return 0;
}

static void touch_ends(long base, unsigned long size) {
    long t0 = now_ns();
    *(volatile char*)base = 1;
    *(volatile char*)(base + (long)size - kPage) = 1;
    timed("touch", t0);
}

/* One iovec over a readable (or writable) mapping that ends one page into a hole. */
static void attack_iov(unsigned long size, int write_side) {
    unsigned long s = size + kPage;
    long base = map_huge(&s, PROT_READ | PROT_WRITE);
    if (base == 0) {
        CHECK("mmap for iovec", 0);
        return;
    }
    CHECK_EQ("munmap last page",
             call("munmap", SYS_munmap, base + (long)s - kPage, kPage, 0, 0, 0, 0), 0);
    struct iovec v = {(void*)base, s};
    if (write_side) {
        CHECK_EQ("writev ending in a hole", call("writev", SYS_writev, 1, (long)&v, 1, 0, 0, 0),
                 -EFAULT);
    } else {
        CHECK_EQ("readv ending in a hole", call("readv", SYS_readv, 0, (long)&v, 1, 0, 0, 0),
                 -EFAULT);
    }
    CHECK_EQ("munmap iovec mapping", call("munmap", SYS_munmap, base, (long)s - kPage, 0, 0, 0, 0),
             0);
}

static void attack_range(unsigned long size, const char* which) {
    unsigned long s = size;
    long base = map_huge(&s, PROT_READ | PROT_WRITE);
    if (base == 0) {
        CHECK("mmap huge", 0);
        return;
    }
    touch_ends(base, s);
    if (!which || !strcmp(which, "mprotect")) {
        CHECK_EQ("mprotect huge", call("mprotect", SYS_mprotect, base, (long)s, PROT_READ, 0, 0, 0),
                 0);
        CHECK_EQ("mprotect back",
                 call("mprotect", SYS_mprotect, base, (long)s, PROT_READ | PROT_WRITE, 0, 0, 0), 0);
    }
    if (!which || !strcmp(which, "madvise")) {
        CHECK_EQ("madvise huge",
                 call("madvise", SYS_madvise, base, (long)s, MADV_DONTNEED, 0, 0, 0), 0);
        touch_ends(base, s);
    }
    if (!which || !strcmp(which, "fixed")) {
        long r = call("mmap", SYS_mmap, base, (long)s, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        CHECK_EQ("mmap MAP_FIXED over huge", r, base);
        touch_ends(base, s);
    }
    CHECK_EQ("munmap huge", call("munmap", SYS_munmap, base, (long)s, 0, 0, 0, 0), 0);
}

/* The top of the grown heap is kept off the virtual page numbers of the heap's start (and the
 * code below it): under QEMU's software TLB pages whose numbers agree in their low bits evict
 * each other, which made every round 15 times slower in the test VM and hid the kernel's cost. */
static const long kBrkSkew = 0x123000;
static void attack_brk(unsigned long size) {
    long start = call("brk", SYS_brk, 0, 0, 0, 0, 0, 0);
    long want = start;
    for (unsigned long s = size; s >= (1ul << 30); s /= 2) {
        want = call("brk", SYS_brk, start + (long)s + kBrkSkew, 0, 0, 0, 0, 0);
        if (want == start + (long)s + kBrkSkew) break;
    }
    if (want == start) {
        CHECK("brk grow", 0);
        return;
    }
    long t0 = now_ns();
    *(volatile char*)start = 1;
    *(volatile char*)(want - kPage) = 1;
    timed("brk touch", t0);
    CHECK_EQ("brk shrink", call("brk", SYS_brk, start, 0, 0, 0, 0, 0), start);
}

static int hostile(long ms, unsigned long gib, const char* which) {
    unsigned long size = gib << 30;
    long start = now_ns(), rounds = 0;
    do {
        if (!which || !strcmp(which, "writev")) attack_iov(size, 1);
        if (!which || !strcmp(which, "readv")) attack_iov(size, 0);
        if (!which || !strcmp(which, "brk")) attack_brk(size);
        if (!which || (strcmp(which, "writev") && strcmp(which, "readv") && strcmp(which, "brk") &&
                       strcmp(which, "spin")))
            attack_range(size, which);
        round_now = ++rounds;
    } while (failed == 0 && now_ns() - start < ms * 1000000L);
    printf("stall-check: hostile %ld rounds over %lu GiB, %d checks, %d failed\n", rounds, gib,
           checks, failed);
    printf("stall-check: hostile slowest step %s %ld us (round %ld)\n", slowest_what,
           slowest_ns / 1000, slowest_round + 1);
    return failed == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
    if (argc >= 3 && !strcmp(argv[1], "victim"))
        return victim(atol(argv[2]), argc >= 4 ? atol(argv[3]) : 0);
    if (argc >= 3 && !strcmp(argv[1], "hostile")) {
        unsigned long gib = argc >= 4 ? strtoul(argv[3], 0, 10) : 102400;
        return hostile(atol(argv[2]), gib, argc >= 5 ? argv[4] : 0);
    }
    fprintf(stderr, "usage: stall-check victim MS [LIMIT_US] | hostile MS [GIB [ATTACK]]\n");
    return 2;
}
