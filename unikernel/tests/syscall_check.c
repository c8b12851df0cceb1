/* Checks the unikernel's Linux syscall semantics from the inside: every case issues a raw syscall
 * and compares the result with what Linux (plus the documented unikernel policy) returns.  Prints
 * one line per failing check and "syscall-check: N checks, M failed"; exits 0 only if all pass.
 * Built with musl-gcc -static by unikernel/CMakeLists.txt; run end to end by tests/integration. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "er_check.h"

static const long kKernelPtr = (long)0xffffffff80100000ull;

static void check_io(void) {
    char buf[8];
    CHECK_EQ("read stdin is EOF", raw(SYS_read, 0, (long)buf, 8, 0, 0, 0), 0);
    CHECK_EQ("read bad fd", raw(SYS_read, 5, (long)buf, 8, 0, 0, 0), -EBADF);
    CHECK_EQ("write bad fd", raw(SYS_write, 7, (long)"x", 1, 0, 0, 0), -EBADF);
    CHECK_EQ("write stdin", raw(SYS_write, 0, (long)"x", 1, 0, 0, 0), -EBADF);
    CHECK_EQ("write zero bytes", raw(SYS_write, 1, 0, 0, 0, 0, 0), 0);
    CHECK_EQ("write kernel pointer", raw(SYS_write, 1, kKernelPtr, 4, 0, 0, 0), -EFAULT);
    CHECK_EQ("write null pointer", raw(SYS_write, 1, 0, 4, 0, 0, 0), -EFAULT);
    CHECK_EQ("write non-canonical", raw(SYS_write, 1, (long)0x0000900000000000ull, 4, 0, 0, 0),
             -EFAULT);
    CHECK_EQ("write", raw(SYS_write, 1, (long)"io ok\n", 6, 0, 0, 0), 6);

    struct iovec good[2] = {{(void*)"wri", 3}, {(void*)"tev ok\n", 7}};
    CHECK_EQ("writev", raw(SYS_writev, 1, (long)good, 2, 0, 0, 0), 10);
    struct iovec bad[2] = {{(void*)"never printed\n", 14}, {(void*)kKernelPtr, 4}};
    CHECK_EQ("writev bad buffer", raw(SYS_writev, 1, (long)bad, 2, 0, 0, 0), -EFAULT);
    CHECK_EQ("writev bad vector", raw(SYS_writev, 1, kKernelPtr, 1, 0, 0, 0), -EFAULT);
    CHECK_EQ("writev negative count", raw(SYS_writev, 1, (long)good, -1, 0, 0, 0), -EINVAL);
    CHECK_EQ("writev too many", raw(SYS_writev, 1, (long)good, 1025, 0, 0, 0), -EINVAL);
    CHECK_EQ("writev bad fd", raw(SYS_writev, 9, (long)good, 2, 0, 0, 0), -EBADF);

    CHECK_EQ("ioctl TIOCGWINSZ", raw(SYS_ioctl, 1, 0x5413, (long)buf, 0, 0, 0), -ENOTTY);
    CHECK_EQ("ioctl bad fd", raw(SYS_ioctl, 3, 0x5413, (long)buf, 0, 0, 0), -EBADF);
}

static void check_memory(void) {
    long rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
    long p = raw(SYS_mmap, 0, 3 * 4096, rw, anon, -1, 0);
    CHECK_EQ("mmap aligned", p > 0 && (p & 4095) == 0, 1);
    volatile char* c = (volatile char*)p;
    CHECK_EQ("fresh page zero", c[5000], 0);
    c[5000] = 7;
    CHECK_EQ("madvise DONTNEED", raw(SYS_madvise, p, 3 * 4096, MADV_DONTNEED, 0, 0, 0), 0);
    CHECK_EQ("DONTNEED zeroes", c[5000], 0);
    CHECK_EQ("madvise unmapped", raw(SYS_madvise, 0x10000000, 4096, MADV_DONTNEED, 0, 0, 0),
             -ENOMEM);
    CHECK_EQ("madvise unaligned", raw(SYS_madvise, p + 1, 4096, MADV_NORMAL, 0, 0, 0), -EINVAL);

    CHECK_EQ("mprotect read-only", raw(SYS_mprotect, p, 4096, PROT_READ, 0, 0, 0), 0);
    CHECK_EQ("write to read-only page via syscall", raw(SYS_read, 0, p, 1, 0, 0, 0), 0);
    CHECK_EQ("clock_gettime into read-only page",
             raw(SYS_clock_gettime, CLOCK_MONOTONIC, p, 0, 0, 0, 0), -EFAULT);
    CHECK_EQ("mprotect W+X",
             raw(SYS_mprotect, p, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, 0, 0, 0), -EACCES);
    CHECK_EQ("mprotect exec on data", raw(SYS_mprotect, p, 4096, PROT_READ | PROT_EXEC, 0, 0, 0),
             -EACCES);
    CHECK_EQ("mprotect unmapped", raw(SYS_mprotect, 0x10000000, 4096, PROT_READ, 0, 0, 0), -ENOMEM);
    CHECK_EQ("mprotect unaligned", raw(SYS_mprotect, p + 8, 4096, PROT_READ, 0, 0, 0), -EINVAL);
    CHECK_EQ("mprotect text writable",
             raw(SYS_mprotect, (long)check_io & ~4095L, 4096, PROT_READ | PROT_WRITE, 0, 0, 0),
             -EACCES);

    CHECK_EQ("mmap PROT_EXEC", raw(SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC, anon, -1, 0), -EPERM);
    CHECK_EQ("mmap zero length", raw(SYS_mmap, 0, 0, rw, anon, -1, 0), -EINVAL);
    CHECK_EQ("mmap no type", raw(SYS_mmap, 0, 4096, rw, MAP_ANONYMOUS, -1, 0), -EINVAL);
    CHECK_EQ("mmap file", raw(SYS_mmap, 0, 4096, rw, MAP_PRIVATE, 5, 0), -EBADF);
    CHECK_EQ("mmap unaligned offset", raw(SYS_mmap, 0, 4096, rw, anon, -1, 5), -EINVAL);
    CHECK_EQ("mmap huge", raw(SYS_mmap, 0, 1L << 62, rw, anon, -1, 0), -ENOMEM);

    long fixed = 0x200000000L;
    CHECK_EQ("mmap fixed", raw(SYS_mmap, fixed, 8192, rw, anon | MAP_FIXED, -1, 0), fixed);
    *(volatile int*)fixed = 42;
    CHECK_EQ("mmap fixed_noreplace busy",
             raw(SYS_mmap, fixed, 4096, rw, anon | MAP_FIXED_NOREPLACE, -1, 0), -EEXIST);
    CHECK_EQ("mmap fixed replaces", raw(SYS_mmap, fixed, 4096, rw, anon | MAP_FIXED, -1, 0), fixed);
    CHECK_EQ("replaced page is zero", *(volatile int*)fixed, 0);
    CHECK_EQ("mmap hint honoured", raw(SYS_mmap, 0x300000000L, 4096, rw, anon, -1, 0),
             0x300000000L);
    CHECK_EQ("mmap fixed null page", raw(SYS_mmap, 0, 4096, rw, anon | MAP_FIXED, -1, 0), -EPERM);
    CHECK_EQ("mmap fixed kernel half",
             raw(SYS_mmap, (long)0xffff800000000000ull, 4096, rw, anon | MAP_FIXED, -1, 0),
             -ENOMEM);
    CHECK_EQ("munmap", raw(SYS_munmap, fixed, 8192, 0, 0, 0, 0), 0);
    CHECK_EQ("munmap unaligned", raw(SYS_munmap, fixed + 1, 4096, 0, 0, 0, 0), -EINVAL);
    CHECK_EQ("munmap zero length", raw(SYS_munmap, fixed, 0, 0, 0, 0, 0), -EINVAL);
    CHECK_EQ("write from unmapped", raw(SYS_write, 1, fixed, 4, 0, 0, 0), -EFAULT);

    long brk0 = raw(SYS_brk, 0, 0, 0, 0, 0, 0);
    CHECK_EQ("brk grows", raw(SYS_brk, brk0 + 10000, 0, 0, 0, 0, 0), brk0 + 10000);
    ((volatile char*)brk0)[9999] = 1;
    CHECK_EQ("brk shrinks", raw(SYS_brk, brk0, 0, 0, 0, 0, 0), brk0);
    CHECK_EQ("brk below start refused", raw(SYS_brk, 4096, 0, 0, 0, 0, 0), brk0);
    CHECK_EQ("brk regrown is zero", raw(SYS_brk, brk0 + 10000, 0, 0, 0, 0, 0), brk0 + 10000);
    CHECK_EQ("regrown byte", ((volatile char*)brk0)[9999], 0);
}

static void check_process(void) {
    CHECK_EQ("getpid", raw(SYS_getpid, 0, 0, 0, 0, 0, 0), 1);
    CHECK_EQ("gettid", raw(SYS_gettid, 0, 0, 0, 0, 0, 0), 1);
    CHECK_EQ("getuid", raw(SYS_getuid, 0, 0, 0, 0, 0, 0), 0);
    CHECK_EQ("getegid", raw(SYS_getegid, 0, 0, 0, 0, 0, 0), 0);
    CHECK_EQ("set_tid_address", raw(SYS_set_tid_address, 0, 0, 0, 0, 0, 0), 1);
    long fs = 0;
    CHECK_EQ("arch_prctl GET_FS", raw(SYS_arch_prctl, 0x1003, (long)&fs, 0, 0, 0, 0), 0);
    CHECK_EQ("fs is set by libc", fs != 0, 1);
    CHECK_EQ("arch_prctl SET_FS kernel", raw(SYS_arch_prctl, 0x1002, kKernelPtr, 0, 0, 0, 0),
             -EPERM);
    CHECK_EQ("arch_prctl GET_FS bad ptr", raw(SYS_arch_prctl, 0x1003, kKernelPtr, 0, 0, 0, 0),
             -EFAULT);
    CHECK_EQ("arch_prctl SET_GS", raw(SYS_arch_prctl, 0x1001, 0, 0, 0, 0, 0), -EINVAL);
    CHECK_EQ("set_robust_list", raw(SYS_set_robust_list, 0, 24, 0, 0, 0, 0), 0);
    CHECK_EQ("set_robust_list bad len", raw(SYS_set_robust_list, 0, 8, 0, 0, 0, 0), -EINVAL);
    unsigned long mask = 0;
    CHECK_EQ("rt_sigprocmask", raw(SYS_rt_sigprocmask, 0, 0, (long)&mask, 8, 0, 0), 0);
    CHECK_EQ("rt_sigprocmask bad size", raw(SYS_rt_sigprocmask, 0, 0, 0, 4, 0, 0), -EINVAL);
    CHECK_EQ("rt_sigaction SIGKILL", raw(SYS_rt_sigaction, 9, (long)&mask, 0, 8, 0, 0), -EINVAL);
    CHECK_EQ("rt_sigaction bad sig", raw(SYS_rt_sigaction, 65, 0, 0, 8, 0, 0), -EINVAL);
    CHECK_EQ("unsupported syscall", raw(SYS_acct, 0, 0, 0, 0, 0, 0), -ENOSYS);
    CHECK_EQ("unsupported again", raw(SYS_acct, 0, 0, 0, 0, 0, 0), -ENOSYS);
    CHECK_EQ("syscall beyond table", raw(100000, 0, 0, 0, 0, 0, 0), -ENOSYS);
}

static void check_time(void) {
    struct timespec a, b, rt;
    CHECK_EQ("clock_gettime MONOTONIC",
             raw(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&a, 0, 0, 0, 0), 0);
    for (volatile int i = 0; i < 100000; i++) {
    }
    CHECK_EQ("clock_gettime again", raw(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&b, 0, 0, 0, 0),
             0);
    long long da = a.tv_sec * 1000000000LL + a.tv_nsec, db = b.tv_sec * 1000000000LL + b.tv_nsec;
    CHECK_EQ("monotonic advances", db > da, 1);
    CHECK_EQ("nsec in range", b.tv_nsec >= 0 && b.tv_nsec < 1000000000L, 1);
    CHECK_EQ("clock_gettime REALTIME",
             raw(SYS_clock_gettime, CLOCK_REALTIME, (long)&rt, 0, 0, 0, 0), 0);
    CHECK_EQ("realtime after 2020", rt.tv_sec > 1577836800L, 1);
    CHECK_EQ("clock_gettime bad clock", raw(SYS_clock_gettime, 42, (long)&a, 0, 0, 0, 0), -EINVAL);
    CHECK_EQ("clock_gettime bad ptr",
             raw(SYS_clock_gettime, CLOCK_MONOTONIC, kKernelPtr, 0, 0, 0, 0), -EFAULT);
    long t = raw(SYS_time, 0, 0, 0, 0, 0, 0);
    CHECK_EQ("time close to realtime", t >= rt.tv_sec && t <= rt.tv_sec + 5, 1);
    struct {
        long sec, usec;
    } tv;
    CHECK_EQ("gettimeofday", raw(SYS_gettimeofday, (long)&tv, 0, 0, 0, 0, 0), 0);
    CHECK_EQ("usec in range", tv.usec >= 0 && tv.usec < 1000000, 1);
}

int main(void) {
    check_io();
    check_memory();
    check_process();
    check_time();
    printf("syscall-check: %d checks, %d failed\n", checks, failed);
    return failed == 0 ? 0 : 1;
}
