/* Hostile: announces itself, then spins forever without a system call or a yield.  With a
 * preemptive scheduler the other domains still run and finish; only --timeout (or the enclave
 * ending otherwise) stops this one.  Prints "hostile-spin: spinning" on stdout and
 * "hostile-spin: started at NS" (CLOCK_MONOTONIC) on stderr, both flushed, before spinning. */
#include <stdio.h>
#include <time.h>

int main(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    puts("hostile-spin: spinning");
    fflush(stdout);
    fprintf(stderr, "hostile-spin: started at %lld\n", ts.tv_sec * 1000000000ll + ts.tv_nsec);
    fflush(stderr);
    for (volatile unsigned long i = 0;; i++) {
    }
}
