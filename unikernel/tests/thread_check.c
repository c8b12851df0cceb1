/* Checks threads from the inside (clone with CLONE_THREAD, futex across threads, exit vs
 * exit_group, gettid, sched_getaffinity) through libc's pthreads and raw syscalls: a counter
 * incremented under a mutex by N threads, pthread_join's value, condition variables (signal and
 * broadcast), thread-local storage, CLONE_CHILD_CLEARTID's clear and wake, FUTEX_REQUEUE,
 * FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP, bitsets and timeouts.  Only the main thread counts checks.
 * Prints one line per failing check and "thread-check: N checks, M failed"; exits 0 only if all
 * pass.  Built with musl-gcc -static and with gcc -static (glibc) by
 * unikernel/task/test_apps.cmake.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "er_check.h"

enum { kThreads = 8, kIncrements = 20000 };

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE 128
#define FUTEX_CLOCK_REALTIME 256

static long futex(volatile int* addr, long op, long val, long timeout, volatile int* addr2,
                  long val3) {
    return raw(SYS_futex, (long)addr, op, val, timeout, (long)addr2, val3);
}

static long gettid_raw(void) {
    return raw(SYS_gettid, 0, 0, 0, 0, 0, 0);
}

/* ---- a counter under a mutex, pthread_join's value ---- */

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static long g_counter;
static __thread long t_local = 42;  // thread-local storage: each thread starts with 42
static long g_tids[kThreads];

static void* incrementer(void* arg) {
    long id = (long)arg;
    t_local = id * 1000;
    for (int i = 0; i < kIncrements; i++) {
        pthread_mutex_lock(&g_lock);
        g_counter++;
        pthread_mutex_unlock(&g_lock);
        if (i % 1000 == 0) sched_yield();
    }
    g_tids[id] = gettid_raw();
    // Another thread wrote its own t_local meanwhile; ours is still ours.
    return (void*)(t_local == id * 1000 ? id + 100 : -1);
}

static void check_mutex_and_join(void) {
    pthread_t th[kThreads];
    for (long i = 0; i < kThreads; i++)
        CHECK_EQ("pthread_create", pthread_create(&th[i], NULL, incrementer, (void*)i), 0);
    int joined_ok = 0;
    for (long i = 0; i < kThreads; i++) {
        void* ret = NULL;
        CHECK_EQ("pthread_join", pthread_join(th[i], &ret), 0);
        if ((long)ret == i + 100) joined_ok++;
    }
    CHECK_EQ("every thread's value through pthread_join (and its own TLS)", joined_ok, kThreads);
    CHECK_EQ("counter under the mutex", g_counter, (long)kThreads * kIncrements);
    CHECK_EQ("main thread's TLS untouched", t_local, 42);
    long pid = raw(SYS_getpid, 0, 0, 0, 0, 0, 0);
    int distinct = 1;
    for (int i = 0; i < kThreads; i++) {
        if (g_tids[i] == pid || g_tids[i] <= 0) distinct = 0;
        for (int j = 0; j < i; j++)
            if (g_tids[i] == g_tids[j]) distinct = 0;
    }
    CHECK("threads have their own tids, none the pid", distinct);
    CHECK_EQ("main thread's tid is the pid", gettid_raw(), pid);
}

/* ---- condition variables: a bounded queue, then a broadcast ---- */

static pthread_mutex_t g_qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t g_nonfull = PTHREAD_COND_INITIALIZER;
static int g_queue[4], g_qhead, g_qcount;
static long g_consumed_sum;

static void* consumer(void* arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&g_qlock);
        while (g_qcount == 0) pthread_cond_wait(&g_nonempty, &g_qlock);
        int v = g_queue[g_qhead];
        g_qhead = (g_qhead + 1) % 4;
        g_qcount--;
        pthread_cond_signal(&g_nonfull);
        pthread_mutex_unlock(&g_qlock);
        if (v < 0) return NULL;
        g_consumed_sum += v;
    }
}

static void check_condvar_queue(void) {
    pthread_t c;
    pthread_create(&c, NULL, consumer, NULL);
    long want = 0;
    for (int v = 1; v <= 2001; v++) {
        int item = v == 2001 ? -1 : v;
        if (item > 0) want += item;
        pthread_mutex_lock(&g_qlock);
        while (g_qcount == 4) pthread_cond_wait(&g_nonfull, &g_qlock);
        g_queue[(g_qhead + g_qcount) % 4] = item;
        g_qcount++;
        pthread_cond_signal(&g_nonempty);
        pthread_mutex_unlock(&g_qlock);
    }
    CHECK_EQ("pthread_join consumer", pthread_join(c, NULL), 0);
    CHECK_EQ("every item through the condvar queue", g_consumed_sum, want);
}

static pthread_mutex_t g_block = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_go = PTHREAD_COND_INITIALIZER;
static int g_go_flag, g_waiting, g_released;

static void* broadcast_waiter(void* arg) {
    (void)arg;
    pthread_mutex_lock(&g_block);
    g_waiting++;
    while (!g_go_flag) pthread_cond_wait(&g_go, &g_block);
    g_released++;
    pthread_mutex_unlock(&g_block);
    return NULL;
}

static void check_broadcast(void) {
    pthread_t th[5];
    for (int i = 0; i < 5; i++) pthread_create(&th[i], NULL, broadcast_waiter, NULL);
    for (;;) {
        pthread_mutex_lock(&g_block);
        int n = g_waiting;
        pthread_mutex_unlock(&g_block);
        if (n == 5) break;
        sched_yield();
    }
    pthread_mutex_lock(&g_block);
    g_go_flag = 1;
    pthread_cond_broadcast(&g_go);  // musl requeues the waiters onto the mutex (FUTEX_REQUEUE)
    pthread_mutex_unlock(&g_block);
    for (int i = 0; i < 5; i++) pthread_join(th[i], NULL);
    CHECK_EQ("pthread_cond_broadcast releases every waiter", g_released, 5);
}

/* ---- raw futex: requeue, cmp_requeue, wake_op, bitsets, timeouts ---- */

static volatile int g_word_a, g_word_b, g_woken;

static void* futex_waiter(void* arg) {
    long op = (long)arg;
    long r = futex(&g_word_a, op, 0, 0, NULL, op == (FUTEX_WAIT_BITSET | FUTEX_PRIVATE) ? 2 : 0);
    if (r == 0) __atomic_fetch_add(&g_woken, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

// Lets every other thread run until it blocks (one CPU: a few yields suffice; a 5 ms sleep too).
static void settle(void) {
    struct timespec ts = {0, 5 * 1000 * 1000};
    for (int i = 0; i < 3; i++) nanosleep(&ts, NULL);
}

static void check_requeue(void) {
    pthread_t th[3];
    g_word_a = 0;
    g_woken = 0;
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, futex_waiter, (void*)(long)(FUTEX_WAIT | FUTEX_PRIVATE));
    settle();
    CHECK_EQ("cmp_requeue with a stale value",
             futex(&g_word_a, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE, 1, 2, &g_word_b, 99), -EAGAIN);
    CHECK_EQ("cmp_requeue wakes 1, moves 2",
             futex(&g_word_a, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE, 1, 2, &g_word_b, 0), 3);
    for (int i = 0; i < 200 && g_woken < 1; i++) settle();
    CHECK_EQ("one woken by the requeue", g_woken, 1);
    CHECK_EQ("nobody left on the old word",
             futex(&g_word_a, FUTEX_WAKE | FUTEX_PRIVATE, 10, 0, NULL, 0), 0);
    CHECK_EQ("the moved two wake on the new word",
             futex(&g_word_b, FUTEX_WAKE | FUTEX_PRIVATE, 10, 0, NULL, 0), 2);
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    CHECK_EQ("all three woken", g_woken, 3);

    // FUTEX_REQUEUE (no compare), shared (non-private) op: wake none, move all.
    g_woken = 0;
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, futex_waiter, (void*)(long)FUTEX_WAIT);
    settle();
    CHECK_EQ("requeue moves both", futex(&g_word_a, FUTEX_REQUEUE, 0, 10, &g_word_b, 0), 2);
    CHECK_EQ("a private wake misses shared waiters",
             futex(&g_word_b, FUTEX_WAKE | FUTEX_PRIVATE, 10, 0, NULL, 0), 0);
    CHECK_EQ("a shared wake finds them", futex(&g_word_b, FUTEX_WAKE, 10, 0, NULL, 0), 2);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    CHECK_EQ("both woken after requeue", g_woken, 2);
    CHECK_EQ("requeue negative count", futex(&g_word_a, FUTEX_REQUEUE, -1, 1, &g_word_b, 0),
             -EINVAL);
}

static void check_wake_op_and_bitset(void) {
    pthread_t th;
    // A waiter with bitset 2: a wake for bitset 1 misses it, one for 2|4 finds it.
    g_woken = 0;
    g_word_a = 0;
    pthread_create(&th, NULL, futex_waiter, (void*)(long)(FUTEX_WAIT_BITSET | FUTEX_PRIVATE));
    settle();
    CHECK_EQ("wake_bitset misses other bits",
             futex(&g_word_a, FUTEX_WAKE_BITSET | FUTEX_PRIVATE, 1, 0, NULL, 1), 0);
    CHECK_EQ("wake_bitset finds its bit",
             futex(&g_word_a, FUTEX_WAKE_BITSET | FUTEX_PRIVATE, 1, 0, NULL, 6), 1);
    pthread_join(th, NULL);
    CHECK_EQ("bitset waiter woken", g_woken, 1);
    CHECK_EQ("wait_bitset 0", futex(&g_word_a, FUTEX_WAIT_BITSET, 0, 0, NULL, 0), -EINVAL);

    // WAKE_OP: *b = old + 5 (op ADD=1, oparg 5), wake 1 on a, and on b when old == 7 (cmp EQ).
    g_woken = 0;
    g_word_b = 7;
    pthread_create(&th, NULL, futex_waiter, (void*)(long)(FUTEX_WAIT | FUTEX_PRIVATE));
    settle();
    long encoded = (1L << 28) | (0L << 24) | (5L << 12) | 7L;
    CHECK_EQ("wake_op wakes the waiter on a",
             futex(&g_word_a, FUTEX_WAKE_OP | FUTEX_PRIVATE, 1, 1, &g_word_b, encoded), 1);
    CHECK_EQ("wake_op added to b", g_word_b, 12);
    pthread_join(th, NULL);
    CHECK_EQ("wake_op waiter woken", g_woken, 1);
    CHECK_EQ("wake_op unknown op", futex(&g_word_a, FUTEX_WAKE_OP, 1, 1, &g_word_b, 7L << 28),
             -ENOSYS);

    // Timeouts: relative for WAIT, absolute (monotonic or realtime) for WAIT_BITSET.
    struct timespec rel = {0, 10 * 1000 * 1000}, now, t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ("wait times out", futex(&g_word_a, FUTEX_WAIT, 0, (long)&rel, NULL, 0), -ETIMEDOUT);
    clock_gettime(CLOCK_REALTIME, &now);
    now.tv_nsec += 10 * 1000 * 1000;
    if (now.tv_nsec >= 1000000000) {
        now.tv_sec++;
        now.tv_nsec -= 1000000000;
    }
    CHECK_EQ("wait_bitset realtime deadline",
             futex(&g_word_a, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, (long)&now, NULL, -1),
             -ETIMEDOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK("both timeouts lasted", ms >= 19);
    CHECK_EQ("realtime flag on a wake",
             futex(&g_word_a, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, 0, NULL, 0), -ENOSYS);
}

/* ---- CLONE_CHILD_CLEARTID through libc's clone(), exit of one thread ---- */

static volatile int g_child_tid = -1;
static volatile int g_child_ran;

static int clone_child(void* arg) {
    (void)arg;
    g_child_ran = (int)gettid_raw();
    return 0;  // libc's clone wrapper calls exit (the thread, not the group)
}

static void check_cleartid(void) {
    enum { kStack = 64 * 1024 };
    char* stack = malloc(kStack);
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    int ptid = 0;
    int tid = clone(clone_child, stack + kStack, flags, NULL, &ptid, NULL, &g_child_tid);
    CHECK("clone returns a tid", tid > 1);
    CHECK_EQ("CLONE_PARENT_SETTID", ptid, tid);
    // Wait for the kernel to clear the word at the child's exit and wake us.
    int spins = 0;
    for (;;) {
        int v = g_child_tid;
        if (v == 0) break;
        futex(&g_child_tid, FUTEX_WAIT, v, 0, NULL, 0);
        if (++spins > 1000) break;
    }
    CHECK_EQ("CLONE_CHILD_CLEARTID cleared the word", g_child_tid, 0);
    CHECK_EQ("the child ran with its own tid", g_child_ran, tid);
    free(stack);
}

static void check_clone_flags_and_affinity(void) {
    CHECK_EQ("clone thread without sighand", raw(SYS_clone, CLONE_VM | CLONE_THREAD, 0, 0, 0, 0, 0),
             -EINVAL);
    CHECK_EQ("clone sighand without vm", raw(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0, 0), -EINVAL);
    CHECK_EQ("clone thread with CLONE_NEWNS",
             raw(SYS_clone,
                 CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_NEWNS, 0,
                 0, 0, 0, 0),
             -EINVAL);
    CHECK_EQ("clone thread with a kernel TLS",
             raw(SYS_clone,
                 CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SETTLS, 0,
                 0, 0, (long)0xffffffff80000000ull, 0),
             -EPERM);
    // The guest has one vCPU (size 8, mask 1); a native run has a wider mask: both pass.
    uint64_t mask[2] = {0, 0};
    long size = raw(SYS_sched_getaffinity, 0, 16, (long)mask, 0, 0, 0);
    CHECK("sched_getaffinity size", size == 8 || size == 16);
    CHECK("cpu 0 in the mask", (mask[0] & 1) != 0);
    CHECK_EQ("sched_getaffinity short", raw(SYS_sched_getaffinity, 0, 4, (long)mask, 0, 0, 0),
             -EINVAL);
    CHECK_EQ("sched_getaffinity other domain's tid",
             raw(SYS_sched_getaffinity, 99999, 8, (long)mask, 0, 0, 0), -ESRCH);
    CHECK_EQ("sched_setaffinity cpu 0", raw(SYS_sched_setaffinity, 0, 8, (long)mask, 0, 0, 0), 0);
    uint64_t none = 1ull << 63;  // a CPU that does not exist
    CHECK_EQ("sched_setaffinity without a real cpu",
             raw(SYS_sched_setaffinity, 0, 8, (long)&none, 0, 0, 0), -EINVAL);
}

/* ---- the main thread exits first: the others run on, the last one's exit_group ends it ---- */

static void* last_one(void* arg) {
    (void)arg;
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    printf("thread-check: %d checks, %d failed\n", checks, failed);
    fflush(stdout);
    exit(failed == 0 ? 0 : 1);
}

int main(int argc, char** argv) {
    check_mutex_and_join();
    check_condvar_queue();
    check_broadcast();
    check_requeue();
    check_wake_op_and_bitset();
    check_cleartid();
    check_clone_flags_and_affinity();
    if (argc > 1 && strcmp(argv[1], "--main-exits-first") == 0) {
        pthread_t th;
        pthread_create(&th, NULL, last_one, NULL);
        raw(SYS_exit, 0, 0, 0, 0, 0, 0);  // this thread only
    }
    printf("thread-check: %d checks, %d failed\n", checks, failed);
    return failed == 0 ? 0 : 1;
}
