/* Checks /dev's devices from inside a domain (unikernel/dev/): /dev/null, zero, full, random and
 * urandom opened every way, read, written, positioned, stat'ed, polled and listed as Linux has
 * them.  Prints one line per failed check, "dev-check: N checks, M failed" and SUCCESS when all
 * pass; exits 1 on any failure.  Passes natively on Linux too (as root or not). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "er_check.h"

struct device {
    const char* path;
    unsigned minor;
};
static const struct device devices[] = {
    {"/dev/null", 3}, {"/dev/zero", 5}, {"/dev/full", 7}, {"/dev/random", 8}, {"/dev/urandom", 9}};

static char buf[8192];

static int all_zero(const char* p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0) return 0;
    return 1;
}

static void stats(void) {
    for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
        struct stat st;
        CHECK_TRUE(stat(devices[i].path, &st) == 0);
        CHECK_TRUE(S_ISCHR(st.st_mode));
        CHECK_EQ(devices[i].path, st.st_mode & 0777, 0666);
        CHECK_EQ(devices[i].path, major(st.st_rdev), 1);
        CHECK_EQ(devices[i].path, minor(st.st_rdev), devices[i].minor);
        CHECK_EQ(devices[i].path, st.st_size, 0);
        int fd = open(devices[i].path, O_RDWR);
        CHECK_TRUE(fd >= 0);
        struct stat fst;
        CHECK_TRUE(fstat(fd, &fst) == 0 && fst.st_rdev == st.st_rdev && fst.st_ino == st.st_ino);
        /* Always ready to read; null, zero and full to write too (Linux's random devices say
         * only readable once seeded). */
        struct pollfd p = {fd, POLLIN | POLLOUT, 0};
        CHECK_EQ("poll", poll(&p, 1, 0), 1);
        CHECK_TRUE(p.revents & POLLIN);
        if (devices[i].minor < 8) CHECK_EQ("revents", p.revents, POLLIN | POLLOUT);
        close(fd);
        /* They exist: creating them exclusively fails, creating them plainly opens them. */
        CHECK_ERRNO(open(devices[i].path, O_CREAT | O_EXCL | O_WRONLY, 0600), EEXIST);
        fd = open(devices[i].path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
        CHECK_TRUE(fd >= 0);
        close(fd);
    }
    struct stat st;
    CHECK_TRUE(stat("/dev", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK_ERRNO(open("/dev/no-such-device", O_RDONLY), ENOENT);
}

static void null_zero_full(void) {
    int fd = open("/dev/null", O_RDWR);
    CHECK_TRUE(fd >= 0);
    CHECK_EQ("write /dev/null", write(fd, "abc", 3), 3);
    CHECK_EQ("read /dev/null", read(fd, buf, sizeof buf), 0);
    CHECK_EQ("pwrite /dev/null", pwrite(fd, "abcd", 4, 100), 4);
    CHECK_EQ("pread /dev/null", pread(fd, buf, 10, 100), 0);
    CHECK_EQ("lseek /dev/null", lseek(fd, 1000, SEEK_SET), 0);
    struct iovec iov[2] = {{"ab", 2}, {"cde", 3}};
    CHECK_EQ("writev /dev/null", writev(fd, iov, 2), 5);
    close(fd);
    /* Write-only and read-only opens work as Linux's do. */
    fd = open("/dev/null", O_WRONLY | O_APPEND);
    CHECK_TRUE(fd >= 0);
    CHECK_EQ("append /dev/null", write(fd, "x", 1), 1);
    CHECK_ERRNO(read(fd, buf, 1), EBADF);
    close(fd);

    fd = open("/dev/zero", O_RDWR);
    CHECK_TRUE(fd >= 0);
    memset(buf, 'x', sizeof buf);
    CHECK_EQ("read /dev/zero", read(fd, buf, sizeof buf), sizeof buf);
    CHECK_TRUE(all_zero(buf, sizeof buf));
    memset(buf, 'x', 64);
    CHECK_EQ("pread /dev/zero", pread(fd, buf, 64, 12345), 64);
    CHECK_TRUE(all_zero(buf, 64));
    char a[16], b[32];
    memset(a, 1, sizeof a), memset(b, 1, sizeof b);
    struct iovec rv[2] = {{a, sizeof a}, {b, sizeof b}};
    CHECK_EQ("readv /dev/zero", readv(fd, rv, 2), 48);
    CHECK_TRUE(all_zero(a, sizeof a) && all_zero(b, sizeof b));
    CHECK_EQ("write /dev/zero", write(fd, "abc", 3), 3);
    CHECK_EQ("lseek /dev/zero", lseek(fd, 0, SEEK_CUR), 0);
    close(fd);

    fd = open("/dev/full", O_RDWR);
    CHECK_TRUE(fd >= 0);
    CHECK_ERRNO(write(fd, "abc", 3), ENOSPC);
    memset(buf, 'x', 100);
    CHECK_EQ("read /dev/full", read(fd, buf, 100), 100);
    CHECK_TRUE(all_zero(buf, 100));
    close(fd);

    /* stdio and the shell's redirections: a child's stdout to /dev/null. */
    pid_t pid = fork();
    if (pid == 0) {
        int n = open("/dev/null", O_WRONLY);
        if (n < 0 || dup2(n, 1) != 1) _exit(2);
        printf("this line goes nowhere\n");
        fflush(stdout);
        _exit(ferror(stdout) ? 3 : 0);
    }
    int status = -1;
    CHECK_TRUE(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void randoms(void) {
    const char* paths[] = {"/dev/urandom", "/dev/random"};
    for (int i = 0; i < 2; i++) {
        int fd = open(paths[i], O_RDONLY);
        CHECK_TRUE(fd >= 0);
        unsigned char x[64], y[64];
        memset(x, 0, sizeof x), memset(y, 0, sizeof y);
        CHECK_EQ(paths[i], read(fd, x, sizeof x), sizeof x);
        CHECK_EQ(paths[i], read(fd, y, sizeof y), sizeof y);
        /* 512 random bits twice: equal or all zero only if broken. */
        CHECK_TRUE(memcmp(x, y, sizeof x) != 0);
        CHECK_TRUE(!all_zero((char*)x, sizeof x));
        close(fd);
    }
    /* A write mixes nothing in here and is still accepted, as Linux accepts it. */
    int fd = open("/dev/urandom", O_WRONLY);
    CHECK_TRUE(fd >= 0);
    CHECK_EQ("write /dev/urandom", write(fd, "seed", 4), 4);
    close(fd);
}

static void listing(void) {
    DIR* d = opendir("/dev");
    CHECK_TRUE(d != NULL);
    if (d == NULL) return;
    int seen[5] = {0};
    struct dirent* e;
    while ((e = readdir(d)) != NULL) {
        for (int i = 0; i < 5; i++) {
            if (strcmp(e->d_name, devices[i].path + 5) == 0) {
                seen[i]++;
                CHECK_EQ(e->d_name, e->d_type, DT_CHR);
            }
        }
    }
    closedir(d);
    for (int i = 0; i < 5; i++) CHECK_EQ(devices[i].path, seen[i], 1);
}

int main(void) {
    stats();
    null_zero_full();
    randoms();
    listing();
    printf("dev-check: %d checks, %d failed\n", checks, failed);
    if (failed == 0) printf("SUCCESS\n");
    return failed == 0 ? 0 : 1;
}
