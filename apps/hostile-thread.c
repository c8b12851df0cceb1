/* Hostile and multi-threaded: a domain of several running threads where one thread attacks
 * another domain's memory.  A thread must get no more reach than its process: the attack kills
 * the whole domain (every thread), its neighbours run on intact (docs/threat-model.md).
 *
 *   hostile-thread key [K]  (MPK) reads the first page of the image of the domain with key K
 *                           (default 1), present in the shared space: only the key stops it
 *   hostile-thread exec     reads 0x400000, where classic static (EXEC) domains are linked: for
 *                           this static PIE it is another domain's address, unmapped here
 *   hostile-thread spin [N] [S]  no attack: N threads (default 16) and main spin without ever
 *                           yielding, to take as much CPU from the neighbours as threads can;
 *                           after S seconds (default 4) main ends the domain (exit 0)
 *
 * Prints "hostile-thread: N threads running", then "hostile-thread: thread T reading ADDR" from
 * the attacking thread (flushed); prints the bytes and exits 1 if the read ever succeeds. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { kWorkers = 4 };

static volatile uintptr_t g_target;
static volatile long g_started;
static volatile long g_work[kWorkers];

static void* worker(void* arg) {
    long i = (long)arg;
    __atomic_fetch_add(&g_started, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        g_work[i]++;
        if (g_work[i] % 1024 == 0) sched_yield();
    }
    return NULL;
}

static void* spinner(void* arg) {
    volatile long* n = arg;
    for (;;) (*n)++;
    return NULL;
}

static void* attacker(void* arg) {
    (void)arg;
    printf("hostile-thread: thread %ld reading %#lx\n", (long)syscall(SYS_gettid),
           (unsigned long)g_target);
    fflush(stdout);
    uint64_t v = *(volatile uint64_t*)g_target;
    printf("hostile-thread: read %#llx: NOT CONTAINED\n", (unsigned long long)v);
    fflush(stdout);
    exit(1);
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "exec";
    if (strcmp(mode, "key") == 0) {
        unsigned key = argc > 2 ? (unsigned)atoi(argv[2]) : 1;
        g_target = ((uintptr_t)key << 42) + (1ull << 32);  // hostile-mpk.c's layout
    } else if (strcmp(mode, "exec") == 0) {
        g_target = 0x400000;
    } else if (strcmp(mode, "spin") == 0) {
        int n = argc > 2 ? atoi(argv[2]) : 16;
        static volatile long counts[256];
        pthread_t th;
        for (int i = 0; i < n && i < 256; i++)
            pthread_create(&th, NULL, spinner, (void*)&counts[i]);
        int secs = argc > 3 ? atoi(argv[3]) : 4;
        printf("hostile-thread: %d threads spinning\n", n + 1);
        fflush(stdout);
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (;;) {
            for (volatile long i = 0; i < (1 << 20); i++) {
            }
            clock_gettime(CLOCK_MONOTONIC, &t);  // the vDSO where there is one: no yield
            if (t.tv_sec - t0.tv_sec >= secs) exit(0);
        }
    } else {
        fprintf(stderr, "hostile-thread: unknown mode '%s' (key|exec|spin)\n", mode);
        return 2;
    }
    pthread_t th;
    for (long i = 0; i < kWorkers; i++) pthread_create(&th, NULL, worker, (void*)i);
    while (g_started < kWorkers) sched_yield();
    printf("hostile-thread: %d threads running\n", kWorkers + 1);
    fflush(stdout);
    pthread_create(&th, NULL, attacker, NULL);
    pthread_join(th, NULL);
    return 1;
}
