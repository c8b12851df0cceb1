/* A dietlibc program's view of time.  dietlibc resolves clock_gettime and gettimeofday in the
 * vDSO named by AT_SYSINFO_EHDR (walking its section headers) and has no syscall fallback: without
 * a vDSO its first clock call reads address 0x3c and the program dies with SIGSEGV (issue 18).
 * Built with Debian's dietlibc-dev (`diet gcc`) by unikernel/vdso/test_apps.cmake, when present.
 * Prints "vdso-diet: N calls, ok" when every reading is sane and monotonic. */
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    long last = 0;
    int bad = 0;
    const int n = 10000;
    for (int i = 0; i < n; i++) {
        struct timespec t;
        struct timeval tv;
        if (clock_gettime(CLOCK_MONOTONIC, &t) != 0 || gettimeofday(&tv, 0) != 0) bad++;
        long ns = t.tv_sec * 1000000000L + t.tv_nsec;
        if (ns < last || tv.tv_usec < 0 || tv.tv_usec >= 1000000) bad++;
        last = ns;
    }
    time_t now = time(0);
    if (now < 1600000000) bad++; /* the host's realtime clock: after 2020 */
    /* write, not printf: dietlibc's printf drags in a link-time "bloat" warning. */
    const char* line = bad == 0 ? "vdso-diet: 10000 calls, ok\n" : "vdso-diet: 10000 calls, BAD\n";
    write(1, line, strlen(line));
    return bad != 0;
}
