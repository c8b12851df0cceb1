/* Memory limits are reservations (docs/threat-model.md, "Memory"): two roles in one app.
 *
 *   mem-reserve hog HOLD_MS    takes every frame it can without dying: writes 1 MiB files to
 *                              /tmp until one fails (ENOSPC: /tmp pages are frames), prints
 *                              "hog: N MiB", holds them HOLD_MS, exits 0.
 *   mem-reserve take MIB WAIT_MS  sleeps WAIT_MS (so the hog is already full), then maps MIB MiB
 *                              and writes every page; prints "take: N MiB" and exits 0.  Without a
 *                              reservation it is killed "out of memory" at the first page the hog
 *                              left none for. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024 * 1024)

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int hog(long hold_ms) {
    static char chunk[MIB];
    memset(chunk, 0x5a, sizeof chunk);
    long mib = 0;
    for (;;) { /* a /tmp file holds under 2 MiB: one file per MiB */
        char name[32];
        snprintf(name, sizeof name, "/tmp/hog%ld", mib);
        int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0) break;
        ssize_t n = write(fd, chunk, sizeof chunk);
        close(fd);
        if (n < (ssize_t)sizeof chunk) break;
        mib++;
    }
    printf("hog: %ld MiB\n", mib);
    fflush(stdout);
    sleep_ms(hold_ms);
    return 0;
}

static int take(long mib, long wait_ms) {
    sleep_ms(wait_ms);
    unsigned char* p =
        mmap(NULL, (size_t)mib * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("take: mmap");
        return 1;
    }
    for (long off = 0; off < mib * MIB; off += 4096) p[off] = (unsigned char)off;
    printf("take: %ld MiB\n", mib);
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "hog") == 0) return hog(atol(argv[2]));
    if (argc == 4 && strcmp(argv[1], "take") == 0) return take(atol(argv[2]), atol(argv[3]));
    fprintf(stderr, "usage: mem-reserve hog HOLD_MS | take MIB WAIT_MS\n");
    return 2;
}
