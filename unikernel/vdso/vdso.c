/*
 * The vDSO: clock_gettime, gettimeofday, time and getcpu in user mode, without a syscall.
 * Built freestanding and position independent (vdso.ld), embedded in the kernel image
 * (vdso_image.S) and mapped into every domain next to its data page (vdso_data.h), one page
 * below the image: the code finds that page from its own ELF header, so it needs no relocation.
 * Whatever it cannot answer from the data page (an unknown clock, no usable TSC, the kernel's
 * clock not anchored yet) it asks the kernel with the real syscall, so its answers are always the
 * syscall's.  No writable data, no GOT, no relocations (tests/unit/vdso checks the image).
 */
#include <stddef.h>
#include <stdint.h>

#include "vdso_data.h"

struct er_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

struct er_timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};

struct er_timezone {
    int32_t tz_minuteswest;
    int32_t tz_dsttime;
};

enum {
    kSysGettimeofday = 96,
    kSysTime = 201,
    kSysClockGettime = 228,
};

enum {
    kClockRealtime = 0,
    kClockMonotonic = 1,
    kClockRealtimeCoarse = 5,
    kClockMonotonicCoarse = 6,
    kClockBoottime = 7,
};

#define NS_PER_SEC 1000000000ull

/* Provided by the linker: the vDSO's own ELF header, wherever it is mapped. */
extern const char __ehdr_start[] __attribute__((visibility("hidden")));

static inline const struct er_vdso_data* vvar(void) {
    uintptr_t p = (uintptr_t)__ehdr_start;
    __asm__("" : "+r"(p)); /* the compiler must not reason about bounds of __ehdr_start */
    return (const struct er_vdso_data*)(p - 4096);
}

static inline long sys2(long nr, long a, long b) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return r;
}

static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Nanoseconds of CLOCK_MONOTONIC (realtime 0) or CLOCK_REALTIME (realtime 1) by the kernel's own
 * formula (time/clock.cpp), or 0 when the data page says to ask the kernel. */
static int read_ns(int realtime, uint64_t* ns) {
    const struct er_vdso_data* d = vvar();
    for (;;) {
        uint32_t seq = d->seq;
        if (seq & 1u) continue; /* the kernel is updating: it never stops midway */
        __asm__ volatile("" ::: "memory");
        uint32_t mode = d->mode;
        uint64_t anchor_tsc = d->tsc;
        uint64_t base = realtime ? d->realtime_ns : d->monotonic_ns;
        uint64_t mult = d->mult;
        __asm__ volatile("" ::: "memory");
        if (d->seq != seq) continue;
        if (mode != ER_VDSO_MODE_TSC) return 0;
        uint64_t now = rdtsc();
        uint64_t ticks = now > anchor_tsc ? now - anchor_tsc : 0;
        *ns = base + (uint64_t)(((unsigned __int128)ticks * mult) >> 32);
        return 1;
    }
}

static int clock_is_fast(long id, int* realtime) {
    switch (id) {
        case kClockRealtime:
        case kClockRealtimeCoarse:
            *realtime = 1;
            return 1;
        case kClockMonotonic:
        case kClockMonotonicCoarse:
        case kClockBoottime: /* the guest never suspends: BOOTTIME is MONOTONIC (sys_time.cpp) */
            *realtime = 0;
            return 1;
        default:
            return 0;
    }
}

int __vdso_clock_gettime(long id, struct er_timespec* ts) {
    int realtime;
    uint64_t ns;
    if (!clock_is_fast(id, &realtime) || !read_ns(realtime, &ns))
        return (int)sys2(kSysClockGettime, id, (long)ts);
    ts->tv_sec = (int64_t)(ns / NS_PER_SEC);
    ts->tv_nsec = (int64_t)(ns % NS_PER_SEC);
    return 0;
}

int __vdso_gettimeofday(struct er_timeval* tv, struct er_timezone* tz) {
    uint64_t ns;
    if (!read_ns(1, &ns)) return (int)sys2(kSysGettimeofday, (long)tv, (long)tz);
    if (tv) {
        tv->tv_sec = (int64_t)(ns / NS_PER_SEC);
        tv->tv_usec = (int64_t)(ns % NS_PER_SEC / 1000);
    }
    if (tz) {
        tz->tz_minuteswest = 0; /* UTC, as the syscall answers */
        tz->tz_dsttime = 0;
    }
    return 0;
}

long __vdso_time(long* t) {
    uint64_t ns;
    if (!read_ns(1, &ns)) return sys2(kSysTime, (long)t, 0);
    long s = (long)(ns / NS_PER_SEC);
    if (t) *t = s;
    return s;
}

/* One vCPU runs every domain: CPU 0, node 0.  The cache argument is unused, as on Linux. */
long __vdso_getcpu(unsigned* cpu, unsigned* node, void* cache) {
    (void)cache;
    if (cpu) *cpu = 0;
    if (node) *node = 0;
    return 0;
}

int clock_gettime(long, struct er_timespec*) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct er_timeval*, struct er_timezone*)
    __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long*) __attribute__((weak, alias("__vdso_time")));
long getcpu(unsigned*, unsigned*, void*) __attribute__((weak, alias("__vdso_getcpu")));

/* ELF note "Linux", type 0: the kernel version (6.1.0, as uname says), which some libcs read from
 * the vDSO instead of calling uname. */
struct er_note {
    uint32_t namesz, descsz, type;
    char name[8];
    uint32_t version;
};
__attribute__((section(".note.Linux"), aligned(4), used)) static const struct er_note kLinuxNote = {
    6, 4, 0, "Linux", (6u << 16) | (1u << 8) | 0u};
