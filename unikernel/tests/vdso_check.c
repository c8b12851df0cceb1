/* Checks the vDSO from the inside, the way a libc finds it: AT_SYSINFO_EHDR from the auxiliary
 * vector, then __vdso_clock_gettime@LINUX_2.6 and the others resolved through the image's own
 * dynamic section (DT_GNU_HASH and DT_HASH, DT_VERSYM/DT_VERDEF).  Compares each function with
 * the syscall, checks that neither the image nor its data page can be made writable or written
 * by the kernel for the app, then calls the vDSO many times so the --stats syscall count shows
 * those calls made no syscall (tests/integration/vdso_test.cpp).
 *   vdso-check [N]        checks, then N (default 100000) direct vDSO calls
 *   vdso-check libc N     N calls of libc's own clock_gettime, gettimeofday and time
 *   vdso-check bench N    ns per clock_gettime through libc and through the syscall
 * Prints "vdso-check: N checks, M failed"; exits 0 only if all pass.  Built with musl-gcc -static
 * (and as a static PIE for MPK domains) by unikernel/CMakeLists.txt. */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "er_check.h"

static const long kNs = 1000000000L;

struct vdso {
    uintptr_t load; /* added to every address in the image */
    const Elf64_Sym* symtab;
    const char* strtab;
    const uint16_t* versym;
    const Elf64_Verdef* verdef;
    const uint32_t* gnu_hash;
    const uint32_t* hash;
};

static uint32_t sysv_hash(const char* s) {
    uint32_t h = 0;
    for (; *s; s++) {
        h = (h << 4) + (unsigned char)*s;
        uint32_t g = h & 0xf0000000u;
        if (g) h ^= g >> 24;
        h &= ~g;
    }
    return h;
}

static uint32_t gnu_hash(const char* s) {
    uint32_t h = 5381;
    for (; *s; s++) h = h * 33 + (unsigned char)*s;
    return h;
}

static int open_vdso(uintptr_t base, struct vdso* v) {
    const Elf64_Ehdr* e = (const Elf64_Ehdr*)base;
    if (memcmp(e->e_ident, ELFMAG, SELFMAG) != 0 || e->e_type != ET_DYN) return 0;
    const Elf64_Phdr* ph = (const Elf64_Phdr*)(base + e->e_phoff);
    const Elf64_Dyn* dyn = 0;
    int have_load = 0;
    memset(v, 0, sizeof *v);
    for (int i = 0; i < e->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !have_load) {
            v->load = base + ph[i].p_offset - ph[i].p_vaddr;
            have_load = 1;
        }
        if (ph[i].p_type == PT_DYNAMIC) dyn = (const Elf64_Dyn*)(base + ph[i].p_offset);
    }
    if (!have_load || !dyn) return 0;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        uintptr_t p = v->load + dyn->d_un.d_ptr;
        switch (dyn->d_tag) {
            case DT_SYMTAB:
                v->symtab = (const Elf64_Sym*)p;
                break;
            case DT_STRTAB:
                v->strtab = (const char*)p;
                break;
            case DT_VERSYM:
                v->versym = (const uint16_t*)p;
                break;
            case DT_VERDEF:
                v->verdef = (const Elf64_Verdef*)p;
                break;
            case DT_GNU_HASH:
                v->gnu_hash = (const uint32_t*)p;
                break;
            case DT_HASH:
                v->hash = (const uint32_t*)p;
                break;
        }
    }
    return v->symtab && v->strtab && v->versym && v->verdef && v->gnu_hash && v->hash;
}

static int version_is(const struct vdso* v, uint16_t ndx, const char* name) {
    const Elf64_Verdef* d = v->verdef;
    for (;;) {
        if ((d->vd_ndx & 0x7fff) == (ndx & 0x7fff)) {
            const Elf64_Verdaux* aux = (const Elf64_Verdaux*)((const char*)d + d->vd_aux);
            return d->vd_hash == sysv_hash(name) && strcmp(v->strtab + aux->vda_name, name) == 0;
        }
        if (d->vd_next == 0) return 0;
        d = (const Elf64_Verdef*)((const char*)d + d->vd_next);
    }
}

static int sym_matches(const struct vdso* v, uint32_t i, const char* name, const char* ver) {
    const Elf64_Sym* s = &v->symtab[i];
    return s->st_shndx != SHN_UNDEF && strcmp(v->strtab + s->st_name, name) == 0 &&
           version_is(v, v->versym[i], ver);
}

static void* lookup_gnu(const struct vdso* v, const char* name, const char* ver) {
    const uint32_t* h = v->gnu_hash;
    uint32_t nbuckets = h[0], symoffset = h[1], bloom_size = h[2], shift = h[3];
    const uint64_t* bloom = (const uint64_t*)(h + 4);
    const uint32_t* buckets = (const uint32_t*)(bloom + bloom_size);
    const uint32_t* chain = buckets + nbuckets;
    uint32_t hv = gnu_hash(name);
    uint64_t mask = (1ull << (hv % 64)) | (1ull << ((hv >> shift) % 64));
    if ((bloom[(hv / 64) % bloom_size] & mask) != mask) return 0;
    uint32_t i = buckets[hv % nbuckets];
    if (i < symoffset) return 0;
    for (;; i++) {
        uint32_t c = chain[i - symoffset];
        if ((c | 1) == (hv | 1) && sym_matches(v, i, name, ver))
            return (void*)(v->load + v->symtab[i].st_value);
        if (c & 1) return 0;
    }
}

static void* lookup_sysv(const struct vdso* v, const char* name, const char* ver) {
    uint32_t nbucket = v->hash[0];
    const uint32_t* bucket = v->hash + 2;
    const uint32_t* chain = bucket + nbucket;
    for (uint32_t i = bucket[sysv_hash(name) % nbucket]; i != 0; i = chain[i])
        if (sym_matches(v, i, name, ver)) return (void*)(v->load + v->symtab[i].st_value);
    return 0;
}

typedef int (*cgt_fn)(clockid_t, struct timespec*);
typedef int (*gtod_fn)(struct timeval*, void*);
typedef time_t (*time_fn)(time_t*);
typedef long (*getcpu_fn)(unsigned*, unsigned*, void*);

static long ns_of(const struct timespec* t) {
    return t->tv_sec * kNs + t->tv_nsec;
}

static long sys_ns(clockid_t id) {
    struct timespec t;
    raw(SYS_clock_gettime, id, (long)&t, 0, 0, 0, 0);
    return ns_of(&t);
}

static int libc_loop(long n) {
    long last = 0;
    for (long i = 0; i < n; i++) {
        struct timespec t;
        struct timeval tv;
        clock_gettime(CLOCK_MONOTONIC, &t);
        gettimeofday(&tv, 0);
        (void)time(0);
        CHECK("libc clock_gettime never goes back", ns_of(&t) >= last);
        last = ns_of(&t);
    }
    printf("vdso-check: %ld libc clock_gettime+gettimeofday+time calls\n", n);
    return 0;
}

/* Nanoseconds per call of libc's clock_gettime (the vDSO when there is one) and of the raw
 * syscall, n each: the numbers docs/syscalls.md quotes.  No checks. */
static int bench(long n) {
    struct timespec t;
    long t0 = sys_ns(CLOCK_MONOTONIC);
    for (long i = 0; i < n; i++) clock_gettime(CLOCK_MONOTONIC, &t);
    long t1 = sys_ns(CLOCK_MONOTONIC);
    for (long i = 0; i < n; i++) raw(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&t, 0, 0, 0, 0);
    long t2 = sys_ns(CLOCK_MONOTONIC);
    printf("vdso-check: clock_gettime %ld ns via libc (vDSO), %ld ns via syscall\n", (t1 - t0) / n,
           (t2 - t1) / n);
    return 0;
}

int main(int argc, char** argv) {
    long n = 100000;
    if (argc == 3 && strcmp(argv[1], "libc") == 0) {
        libc_loop(atol(argv[2]));
        printf("vdso-check: %d checks, %d failed\n", checks, failed);
        return failed != 0;
    }
    if (argc == 3 && strcmp(argv[1], "bench") == 0) return bench(atol(argv[2]));
    if (argc == 2) n = atol(argv[1]);

    uintptr_t base = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
    CHECK("AT_SYSINFO_EHDR present", base != 0);
    CHECK("vDSO page aligned", (base & 4095) == 0);
    struct vdso v;
    int ok = base != 0 && open_vdso(base, &v);
    CHECK("vDSO has its dynamic tables", ok);
    if (!ok) {
        printf("vdso-check: %d checks, %d failed\n", checks, failed);
        return 1;
    }
    cgt_fn cgt = (cgt_fn)lookup_gnu(&v, "__vdso_clock_gettime", "LINUX_2.6");
    gtod_fn gtod = (gtod_fn)lookup_gnu(&v, "__vdso_gettimeofday", "LINUX_2.6");
    time_fn tm = (time_fn)lookup_gnu(&v, "__vdso_time", "LINUX_2.6");
    getcpu_fn gc = (getcpu_fn)lookup_gnu(&v, "__vdso_getcpu", "LINUX_2.6");
    CHECK("__vdso_clock_gettime@LINUX_2.6", cgt != 0);
    CHECK("__vdso_gettimeofday@LINUX_2.6", gtod != 0);
    CHECK("__vdso_time@LINUX_2.6", tm != 0);
    CHECK("__vdso_getcpu@LINUX_2.6", gc != 0);
    CHECK("DT_HASH finds the same", lookup_sysv(&v, "__vdso_clock_gettime", "LINUX_2.6") == cgt);
    CHECK("weak alias clock_gettime", lookup_sysv(&v, "clock_gettime", "LINUX_2.6") == cgt);
    CHECK("no other version", lookup_gnu(&v, "__vdso_clock_gettime", "LINUX_2.5") == 0);
    if (!cgt || !gtod || !tm || !gc) {
        printf("vdso-check: %d checks, %d failed\n", checks, failed);
        return 1;
    }

    /* The first clock syscall anchors the kernel's clock (one exit); from then on the data page
     * lets the vDSO answer alone. */
    sys_ns(CLOCK_MONOTONIC);
    const uint32_t* data = (const uint32_t*)(base - 4096);
    const char* mode = data[1] == 1 ? "tsc" : "syscall";
    printf("vdso-check: clock mode %s\n", mode);
    CHECK("data page sequence even", (data[0] & 1) == 0);

    static const clockid_t kIds[] = {CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,
                                     CLOCK_REALTIME, CLOCK_REALTIME_COARSE};
    for (unsigned i = 0; i < sizeof kIds / sizeof kIds[0]; i++) {
        struct timespec a, b;
        CHECK_EQ("vdso clock_gettime", cgt(kIds[i], &a), 0);
        long s = sys_ns(kIds[i]);
        CHECK_EQ("vdso clock_gettime", cgt(kIds[i], &b), 0);
        CHECK("vdso <= syscall", ns_of(&a) <= s);
        CHECK("syscall <= vdso", s <= ns_of(&b));
        CHECK("within a second", ns_of(&b) - ns_of(&a) < kNs);
        CHECK("tv_nsec in range", a.tv_nsec >= 0 && a.tv_nsec < kNs);
    }
    struct timespec t;
    CHECK_EQ("unknown clock falls back to the syscall", cgt(99, &t), -EINVAL);
    CHECK_EQ("CPU-time clock falls back", cgt(CLOCK_PROCESS_CPUTIME_ID, &t), 0);
    struct timeval tv;
    struct {
        int a, b;
    } tz = {7, 7};
    long r0 = sys_ns(CLOCK_REALTIME) / 1000;
    CHECK_EQ("vdso gettimeofday", gtod(&tv, &tz), 0);
    long r1 = sys_ns(CLOCK_REALTIME) / 1000;
    long us = tv.tv_sec * 1000000L + tv.tv_usec;
    CHECK("gettimeofday between two syscalls", r0 <= us && us <= r1);
    CHECK("gettimeofday tz is UTC", tz.a == 0 && tz.b == 0);
    time_t tt = 0;
    long secs = sys_ns(CLOCK_REALTIME) / kNs;
    time_t got = tm(&tt);
    CHECK("vdso time", got == tt && got >= secs && got <= secs + 1);
    unsigned cpu = 7, node = 7;
    CHECK_EQ("vdso getcpu", gc(&cpu, &node, 0), 0);
    CHECK("getcpu 0/0", cpu == 0 && node == 0);

    /* Read-only for good: mprotect cannot add write (-EACCES: max_prot), and the kernel refuses to
     * write into either page for the app (-EFAULT). */
    CHECK_EQ("mprotect data page writable",
             raw(SYS_mprotect, (long)(base - 4096), 4096, PROT_READ | PROT_WRITE, 0, 0, 0),
             -EACCES);
    CHECK_EQ("mprotect vDSO writable",
             raw(SYS_mprotect, (long)base, 4096, PROT_READ | PROT_WRITE, 0, 0, 0), -EACCES);
    CHECK_EQ("getrandom into the data page", raw(SYS_getrandom, (long)(base - 4096), 8, 0, 0, 0, 0),
             -EFAULT);
    CHECK_EQ("getrandom into the vDSO", raw(SYS_getrandom, (long)base, 8, 0, 0, 0, 0), -EFAULT);

    /* The loop whose cost the integration test reads from the guest's syscall count. */
    long last = 0;
    int backwards = 0;
    for (long i = 0; i < n; i++) {
        cgt(CLOCK_MONOTONIC, &t);
        if (ns_of(&t) < last) backwards++;
        last = ns_of(&t);
    }
    CHECK_EQ("monotonic never goes back", backwards, 0);
    printf("vdso-check: %ld vDSO clock_gettime calls, mode %s\n", n, mode);
    printf("vdso-check: %d checks, %d failed\n", checks, failed);
    return failed != 0;
}
