/* Checks the scheduling and waiting syscalls from the inside (sched_yield, nanosleep,
 * clock_nanosleep, futex): results, errno values and that sleeps last at least as long as asked.
 * Prints one line per failing check and "sched-check: N checks, M failed"; exits 0 only if all
 * pass.  Built with musl-gcc -static by unikernel/CMakeLists.txt. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>

#include "er_check.h"

static const long kKernelPtr = (long)0xffffffff80100000ull;
static const long kNs = 1000000000L;

static long now_ns(int clock) {
    struct timespec ts;
    raw(SYS_clock_gettime, clock, (long)&ts, 0, 0, 0, 0);
    return ts.tv_sec * kNs + ts.tv_nsec;
}

static void check_yield(void) {
    CHECK_EQ("sched_yield", raw(SYS_sched_yield, 0, 0, 0, 0, 0, 0), 0);
}

static void check_nanosleep(void) {
    struct timespec req = {0, 20 * 1000 * 1000}, rem = {7, 7};
    long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_EQ("nanosleep 20ms", raw(SYS_nanosleep, (long)&req, (long)&rem, 0, 0, 0, 0), 0);
    long slept = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK("nanosleep lasts at least 20ms", slept >= 20 * 1000 * 1000);
    /* As Linux: rem is written only when a signal cuts the sleep short (signal-check). */
    CHECK("nanosleep leaves rem alone", rem.tv_sec == 7 && rem.tv_nsec == 7);
    struct timespec zero = {0, 0};
    CHECK_EQ("nanosleep 0", raw(SYS_nanosleep, (long)&zero, 0, 0, 0, 0, 0), 0);
    struct timespec bad = {0, kNs};
    CHECK_EQ("nanosleep nsec 1e9", raw(SYS_nanosleep, (long)&bad, 0, 0, 0, 0, 0), -EINVAL);
    struct timespec neg = {-1, 0};
    CHECK_EQ("nanosleep negative", raw(SYS_nanosleep, (long)&neg, 0, 0, 0, 0, 0), -EINVAL);
    CHECK_EQ("nanosleep kernel ptr", raw(SYS_nanosleep, kKernelPtr, 0, 0, 0, 0, 0), -EFAULT);
    CHECK_EQ("nanosleep null", raw(SYS_nanosleep, 0, 0, 0, 0, 0, 0), -EFAULT);
    CHECK_EQ("nanosleep bad rem, not interrupted",
             raw(SYS_nanosleep, (long)&zero, kKernelPtr, 0, 0, 0, 0), 0);
}

static void check_clock_nanosleep(void) {
    struct timespec req = {0, 10 * 1000 * 1000};
    long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_EQ("clock_nanosleep relative",
             raw(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (long)&req, 0, 0, 0), 0);
    CHECK("relative lasts", now_ns(CLOCK_MONOTONIC) - t0 >= 10 * 1000 * 1000);

    long deadline = now_ns(CLOCK_MONOTONIC) + 15 * 1000 * 1000;
    struct timespec abs = {deadline / kNs, deadline % kNs};
    CHECK_EQ("clock_nanosleep abstime monotonic",
             raw(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&abs, 0, 0, 0), 0);
    CHECK("abstime monotonic reached", now_ns(CLOCK_MONOTONIC) >= deadline);

    long rdeadline = now_ns(CLOCK_REALTIME) + 15 * 1000 * 1000;
    struct timespec rabs = {rdeadline / kNs, rdeadline % kNs};
    CHECK_EQ("clock_nanosleep abstime realtime",
             raw(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, (long)&rabs, 0, 0, 0), 0);
    CHECK("abstime realtime reached", now_ns(CLOCK_REALTIME) >= rdeadline);

    struct timespec past = {1, 0};
    CHECK_EQ("abstime in the past returns at once",
             raw(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&past, 0, 0, 0), 0);
    CHECK_EQ("clock_nanosleep bad clock", raw(SYS_clock_nanosleep, 99, 0, (long)&req, 0, 0, 0),
             -EINVAL);
    CHECK_EQ("clock_nanosleep kernel ptr",
             raw(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, kKernelPtr, 0, 0, 0), -EFAULT);
}

static void check_futex(void) {
    static int word = 5;
    const long kWait = 0, kWake = 1, kPrivate = 128;
    CHECK_EQ("futex wait value mismatch", raw(SYS_futex, (long)&word, kWait, 4, 0, 0, 0), -EAGAIN);
    CHECK_EQ("futex wait private mismatch",
             raw(SYS_futex, (long)&word, kWait | kPrivate, 4, 0, 0, 0), -EAGAIN);
    struct timespec to = {0, 10 * 1000 * 1000};
    long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK_EQ("futex wait times out",
             raw(SYS_futex, (long)&word, kWait | kPrivate, 5, (long)&to, 0, 0), -ETIMEDOUT);
    CHECK("futex timeout lasts", now_ns(CLOCK_MONOTONIC) - t0 >= 10 * 1000 * 1000);
    CHECK_EQ("futex wake nobody", raw(SYS_futex, (long)&word, kWake, 1, 0, 0, 0), 0);
    CHECK_EQ("futex wake private", raw(SYS_futex, (long)&word, kWake | kPrivate, 10, 0, 0, 0), 0);
    CHECK_EQ("futex unaligned", raw(SYS_futex, (long)&word + 1, kWait, 5, 0, 0, 0), -EINVAL);
    CHECK_EQ("futex kernel ptr", raw(SYS_futex, kKernelPtr, kWait, 5, 0, 0, 0), -EFAULT);
    CHECK_EQ("futex null", raw(SYS_futex, 0, kWait, 5, 0, 0, 0), -EFAULT);
    struct timespec bad = {0, kNs};
    CHECK_EQ("futex bad timeout", raw(SYS_futex, (long)&word, kWait, 5, (long)&bad, 0, 0), -EINVAL);
    CHECK_EQ("futex unknown op", raw(SYS_futex, (long)&word, 77, 5, 0, 0, 0), -ENOSYS);
}

int main(void) {
    check_yield();
    check_nanosleep();
    check_clock_nanosleep();
    check_futex();
    printf("sched-check: %d checks, %d failed\n", checks, failed);
    return failed == 0 ? 0 : 1;
}
