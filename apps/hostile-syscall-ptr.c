/* Hostile: tries to make the library OS read or write memory for it that it may not touch itself
 * (the confused-deputy attack).  Every call passes a kernel address (kernel text, the direct map of
 * all RAM, where every domain's frames are), an unmapped address (where another domain's pages
 * could be in that domain's space), its own read-only text as an output buffer, or a range that
 * starts in its own memory and runs off the end of it.  Each must fail with -EFAULT (14) before
 * the libOS touches a byte, exactly as on Linux.
 *
 * Prints "hostile-syscall-ptr: CALL = RESULT" per call (raw syscalls, so RESULT is -errno), then
 * "hostile-syscall-ptr: N calls, M not EFAULT"; exits 0 only if M is 0.  Nothing else may reach
 * stdout: a libOS that wrote from a kernel pointer would print kernel bytes here. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "er_check.h"

static const long kKernelText = (long)0xffffffff80100000ull; /* unikernel text */
static const long kDirectMap = (long)0xffff800000100000ull;  /* all RAM, supervisor-only */
static const long kUnmapped = (long)0x7e0000000000ull;       /* nobody's, in this space */
static const long kWrap = (long)0xfffffffffffffff0ull;       /* ptr + len wraps past 2^64 */

static int calls, wrong;

static void expect_efault(const char* what, long ret) {
    calls++;
    if (ret != -14) wrong++;
    printf("hostile-syscall-ptr: %s = %ld\n", what, ret);
    fflush(stdout);
}

int main(void) {
    /* Two pages; the second is unmapped again, so [page_end - 8, page_end + 8) runs off the end. */
    long pages = raw(SYS_mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages < 0 || raw(SYS_munmap, pages + 4096, 4096, 0, 0, 0, 0) != 0) {
        printf("hostile-syscall-ptr: setup failed (mmap %ld)\n", pages);
        return 1;
    }
    long straddle = pages + 4096 - 8;
    memset((void*)straddle, 0, 8);
    long own_text = (long)(uintptr_t)&main;

    /* The libOS reads app memory: write, writev. */
    expect_efault("write(1, kernel text, 16)", raw(SYS_write, 1, kKernelText, 16, 0, 0, 0));
    expect_efault("write(1, direct map, 16)", raw(SYS_write, 1, kDirectMap, 16, 0, 0, 0));
    expect_efault("write(1, unmapped, 16)", raw(SYS_write, 1, kUnmapped, 16, 0, 0, 0));
    expect_efault("write(1, NULL, 16)", raw(SYS_write, 1, 0, 16, 0, 0, 0));
    expect_efault("write(1, wrapping range, 32)", raw(SYS_write, 1, kWrap, 32, 0, 0, 0));
    struct iovec kernel_iov = {(void*)kKernelText, 16};
    expect_efault("writev(1, iovec in kernel, 1)", raw(SYS_writev, 1, kDirectMap, 1, 0, 0, 0));
    expect_efault("writev(1, {kernel text, 16}, 1)",
                  raw(SYS_writev, 1, (long)&kernel_iov, 1, 0, 0, 0));

    /* The libOS writes app memory: clocks, identity, randomness, signals, paths. */
    expect_efault("clock_gettime(MONOTONIC, kernel text)",
                  raw(SYS_clock_gettime, CLOCK_MONOTONIC, kKernelText, 0, 0, 0, 0));
    expect_efault("clock_gettime(REALTIME, direct map)",
                  raw(SYS_clock_gettime, CLOCK_REALTIME, kDirectMap, 0, 0, 0, 0));
    expect_efault("clock_gettime(MONOTONIC, own read-only text)",
                  raw(SYS_clock_gettime, CLOCK_MONOTONIC, own_text, 0, 0, 0, 0));
    expect_efault("clock_gettime(MONOTONIC, straddling the end of a mapping)",
                  raw(SYS_clock_gettime, CLOCK_MONOTONIC, straddle, 0, 0, 0, 0));
    expect_efault("clock_gettime(MONOTONIC, unmapped)",
                  raw(SYS_clock_gettime, CLOCK_MONOTONIC, kUnmapped, 0, 0, 0, 0));
    expect_efault("clock_getres(MONOTONIC, kernel text)",
                  raw(SYS_clock_getres, CLOCK_MONOTONIC, kKernelText, 0, 0, 0, 0));
    expect_efault("gettimeofday(direct map, NULL)",
                  raw(SYS_gettimeofday, kDirectMap, 0, 0, 0, 0, 0));
    expect_efault("time(kernel text)", raw(SYS_time, kKernelText, 0, 0, 0, 0, 0));
    expect_efault("arch_prctl(ARCH_GET_FS, kernel text)",
                  raw(SYS_arch_prctl, 0x1003, kKernelText, 0, 0, 0, 0));
    expect_efault("uname(direct map)", raw(SYS_uname, kDirectMap, 0, 0, 0, 0, 0));
    expect_efault("getrandom(kernel text, 16, 0)", raw(SYS_getrandom, kKernelText, 16, 0, 0, 0, 0));
    expect_efault("rt_sigaction(SIGUSR1, kernel act, NULL, 8)",
                  raw(SYS_rt_sigaction, 10, kKernelText, 0, 8, 0, 0));
    expect_efault("rt_sigaction(SIGUSR1, NULL, kernel oldact, 8)",
                  raw(SYS_rt_sigaction, 10, 0, kDirectMap, 8, 0, 0));
    expect_efault("rt_sigprocmask(SIG_BLOCK, kernel set, NULL, 8)",
                  raw(SYS_rt_sigprocmask, 0, kKernelText, 0, 8, 0, 0));
    expect_efault("rt_sigprocmask(SIG_BLOCK, NULL, kernel oldset, 8)",
                  raw(SYS_rt_sigprocmask, 0, 0, kDirectMap, 8, 0, 0));
    expect_efault("nanosleep(kernel req, NULL)", raw(SYS_nanosleep, kKernelText, 0, 0, 0, 0, 0));
    expect_efault("clock_nanosleep(MONOTONIC, 0, kernel req, NULL)",
                  raw(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, kDirectMap, 0, 0, 0));
    expect_efault("prlimit64(0, RLIMIT_STACK, NULL, kernel old)",
                  raw(SYS_prlimit64, 0, 3, 0, kKernelText, 0, 0));
    expect_efault("poll(kernel fds, 1, 0)", raw(SYS_poll, kKernelText, 1, 0, 0, 0, 0));
    expect_efault("futex(kernel word, FUTEX_WAIT, 0, NULL)",
                  raw(SYS_futex, kDirectMap, 0, 0, 0, 0, 0));

    /* Files: paths read from app memory, data and metadata written to it. */
    expect_efault("getcwd(kernel text, 64)", raw(SYS_getcwd, kKernelText, 64, 0, 0, 0, 0));
    expect_efault("readlink(/proc/self/exe, kernel text, 64)",
                  raw(SYS_readlink, (long)"/proc/self/exe", kKernelText, 64, 0, 0, 0));
    expect_efault("open(kernel path, O_RDONLY)", raw(SYS_open, kKernelText, O_RDONLY, 0, 0, 0, 0));
    expect_efault("openat(AT_FDCWD, unmapped path, O_RDONLY)",
                  raw(SYS_openat, AT_FDCWD, kUnmapped, O_RDONLY, 0, 0, 0));
    expect_efault("stat(/, kernel buf)", raw(SYS_stat, (long)"/", kKernelText, 0, 0, 0, 0));
    expect_efault("newfstatat(AT_FDCWD, /, direct map, 0)",
                  raw(SYS_newfstatat, AT_FDCWD, (long)"/", kDirectMap, 0, 0, 0));
    expect_efault("fstat(1, kernel buf)", raw(SYS_fstat, 1, kKernelText, 0, 0, 0, 0));
    long dir = raw(SYS_open, (long)"/", O_RDONLY | O_DIRECTORY, 0, 0, 0, 0);
    expect_efault("getdents64(/, kernel buf, 4096)",
                  raw(SYS_getdents64, dir, kKernelText, 4096, 0, 0, 0));
    if (dir >= 0) raw(SYS_close, dir, 0, 0, 0, 0, 0);
    long fd =
        raw(SYS_open, (long)"/tmp/hostile-syscall-ptr", O_RDWR | O_CREAT | O_TRUNC, 0600, 0, 0, 0);
    if (fd >= 0) {
        raw(SYS_write, fd, (long)"secret\n", 7, 0, 0, 0);
        raw(SYS_lseek, fd, 0, SEEK_SET, 0, 0, 0);
    }
    expect_efault("read(/tmp file, kernel text, 7)", raw(SYS_read, fd, kKernelText, 7, 0, 0, 0));
    expect_efault("pread64(/tmp file, direct map, 7, 0)",
                  raw(SYS_pread64, fd, kDirectMap, 7, 0, 0, 0));
    if (fd >= 0) {
        raw(SYS_close, fd, 0, 0, 0, 0, 0);
        raw(SYS_unlink, (long)"/tmp/hostile-syscall-ptr", 0, 0, 0, 0, 0);
    }

    printf("hostile-syscall-ptr: %d calls, %d not EFAULT\n", calls, wrong);
    return wrong == 0 ? 0 : 1;
}
