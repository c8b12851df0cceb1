/* Hostile and multi-threaded: a domain of several running threads where one thread attacks
 * another domain's memory.  A thread must get no more reach than its process: the attack kills
 * the whole domain (every thread), its neighbours run on intact (docs/threat-model.md).
 *
 *   hostile-thread key [K]  (MPK) reads the first page of the image of the domain with key K
 *                           (default 1), present in the shared space: only the key stops it
 *   hostile-thread exec     reads 0x400000, where classic static (EXEC) domains are linked: for
 *                           this static PIE it is another domain's address, unmapped here
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
    } else {
        fprintf(stderr, "hostile-thread: unknown mode '%s' (key|exec)\n", mode);
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
