/* Checks the unikernel's file syscalls and misc Linux ABI from inside a domain.  Prints one line
 * per failed check and "file-check: N checks, M failed"; exits 1 on any failure.
 * Run with --root tests/data/fs/basic and the argument --basic-tree to check that tree too.
 * With --tmpfs /run:mode=755,size=64k --tmpfs /dev/shm and the argument --mounts, it checks those
 * tmpfs mounts instead (tests/integration/tmpfs_test.cpp). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <sys/ioctl.h>
#include <termios.h>

#include "er_check.h"
static long ioctl_tcgets(void) {
    struct termios t;
    return ioctl(1, TCGETS, &t);
}

static void tmp_files(void) {
    int fd = open("/tmp/a.txt", O_CREAT | O_EXCL | O_RDWR, 0644);
    CHECK_TRUE(fd >= 3);
    CHECK_TRUE(write(fd, "hello world\n", 12) == 12);
    CHECK_TRUE(lseek(fd, 0, SEEK_CUR) == 12);
    CHECK_TRUE(lseek(fd, 6, SEEK_SET) == 6);
    char buf[64] = {0};
    CHECK_TRUE(read(fd, buf, sizeof buf) == 6 && memcmp(buf, "world\n", 6) == 0);
    CHECK_TRUE(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK_TRUE(pwrite(fd, "HELLO", 5, 0) == 5);
    CHECK_TRUE(pread(fd, buf, 12, 0) == 12 && memcmp(buf, "HELLO world\n", 12) == 0);
    struct stat st;
    CHECK_TRUE(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 12 &&
               (st.st_mode & 0777) == 0644);
    CHECK_TRUE(lseek(fd, 100000, SEEK_SET) == 100000);
    CHECK_TRUE(write(fd, "x", 1) == 1);
    CHECK_TRUE(fstat(fd, &st) == 0 && st.st_size == 100001);
    CHECK_TRUE(pread(fd, buf, 4, 50000) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0);
    CHECK_TRUE(ftruncate(fd, 3) == 0);
    CHECK_TRUE(fstat(fd, &st) == 0 && st.st_size == 3);
    CHECK_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_TRUE(close(fd) == 0);
    CHECK_ERRNO(close(fd), EBADF);
    CHECK_ERRNO(open("/tmp/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    fd = open("/tmp/a.txt", O_WRONLY | O_APPEND);
    CHECK_TRUE(fd >= 0 && write(fd, "de", 2) == 2);
    CHECK_ERRNO(read(fd, buf, 1), EBADF);
    close(fd);
    CHECK_TRUE(stat("/tmp/a.txt", &st) == 0 && st.st_size == 5);
    fd = open("/tmp/a.txt", O_RDONLY);
    CHECK_ERRNO(write(fd, "x", 1), EBADF);
    int fd2 = dup(fd);
    CHECK_TRUE(fd2 == fd + 1);
    CHECK_TRUE(read(fd2, buf, 2) == 2 && lseek(fd, 0, SEEK_CUR) == 2); /* shared offset */
    CHECK_TRUE(dup2(fd, 20) == 20 && fcntl(20, F_GETFD) == 0);
    CHECK_TRUE(dup3(fd, 21, O_CLOEXEC) == 21 && fcntl(21, F_GETFD) == FD_CLOEXEC);
    CHECK_ERRNO(dup3(fd, fd, 0), EINVAL);
    CHECK_TRUE(fcntl(fd, F_DUPFD, 30) == 30);
    CHECK_TRUE(fcntl(fd, F_DUPFD_CLOEXEC, 30) == 31 && fcntl(31, F_GETFD) == FD_CLOEXEC);
    CHECK_TRUE((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
    close(fd2), close(20), close(21), close(30), close(31);
    /* unlink while open: still readable */
    CHECK_TRUE(unlink("/tmp/a.txt") == 0);
    CHECK_ERRNO(stat("/tmp/a.txt", &st), ENOENT);
    CHECK_TRUE(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "HELde", 5) == 0);
    close(fd);
    CHECK_ERRNO(unlink("/tmp/a.txt"), ENOENT);
    /* directories */
    CHECK_TRUE(mkdir("/tmp/d", 0755) == 0);
    CHECK_ERRNO(mkdir("/tmp/d", 0755), EEXIST);
    CHECK_TRUE(close(open("/tmp/d/f1", O_CREAT | O_WRONLY, 0600)) == 0);
    CHECK_TRUE(close(creat("/tmp/d/f2", 0600)) == 0);
    CHECK_ERRNO(rmdir("/tmp/d"), ENOTEMPTY);
    CHECK_ERRNO(unlink("/tmp/d"), EISDIR);
    CHECK_ERRNO(rmdir("/tmp/d/f1"), ENOTDIR);
    CHECK_ERRNO(open("/tmp/d/f1/x", O_RDONLY), ENOTDIR);
    CHECK_ERRNO(open("/tmp/d", O_WRONLY), EISDIR);
    CHECK_ERRNO(open("/tmp/d/f1", O_RDONLY | O_DIRECTORY), ENOTDIR);
    DIR* dir = opendir("/tmp/d");
    CHECK_TRUE(dir != NULL);
    int seen = 0;
    struct dirent* e;
    while (dir && (e = readdir(dir)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) seen += 1;
        if (!strcmp(e->d_name, "f1") && e->d_type == DT_REG) seen += 10;
        if (!strcmp(e->d_name, "f2")) seen += 100;
    }
    CHECK_TRUE(seen == 112);
    if (dir) closedir(dir);
    CHECK_TRUE(chdir("/tmp/d") == 0);
    char cwd[256];
    CHECK_TRUE(getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, "/tmp/d") == 0);
    errno = 0;
    CHECK_TRUE(getcwd(cwd, 3) == NULL && errno == ERANGE);
    CHECK_TRUE(access("f1", R_OK | W_OK) == 0);
    CHECK_TRUE(unlinkat(AT_FDCWD, "f1", 0) == 0 && unlink("/tmp/d/f2") == 0);
    CHECK_TRUE(chdir("..") == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, "/tmp") == 0);
    CHECK_TRUE(unlinkat(AT_FDCWD, "d", AT_REMOVEDIR) == 0);
    CHECK_TRUE(chdir("/") == 0);
    int tfd = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK_TRUE(tfd >= 0);
    CHECK_TRUE(mkdirat(tfd, "e", 0700) == 0);
    int efd = openat(tfd, "e/new", O_CREAT | O_RDWR | O_TRUNC, 0666);
    CHECK_TRUE(efd >= 0 && write(efd, "abc", 3) == 3);
    CHECK_TRUE(fstatat(tfd, "e/new", &st, 0) == 0 && st.st_size == 3 &&
               (st.st_mode & 0777) == 0644);
    CHECK_TRUE(fstatat(efd, "", &st, AT_EMPTY_PATH) == 0 && st.st_size == 3);
    CHECK_TRUE(fchdir(tfd) == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, "/tmp") == 0);
    close(efd), close(tfd);
    CHECK_TRUE(chdir("/") == 0);
    /* big file through writev/readv */
    static char big[300000];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7);
    int bfd = open("/tmp/big", O_CREAT | O_RDWR, 0644);
    struct iovec iov[2] = {{big, 100000}, {big + 100000, 200000}};
    CHECK_TRUE(writev(bfd, iov, 2) == 300000);
    static char back[300000];
    CHECK_TRUE(lseek(bfd, 0, SEEK_SET) == 0 && read(bfd, back, sizeof back) == 300000 &&
               memcmp(big, back, sizeof big) == 0);
    CHECK_TRUE(ftruncate(bfd, 0) == 0);
    close(bfd);
    CHECK_TRUE(unlink("/tmp/big") == 0);
}

static void tree_basics(void) {
    struct stat st;
    CHECK_TRUE(stat("/", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK_TRUE(stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777);
    CHECK_ERRNO(open("/nope", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("/nope", O_CREAT | O_WRONLY, 0644), EROFS);
    CHECK_ERRNO(mkdir("/nope", 0755), EROFS);
    CHECK_ERRNO(mkdir("/tmp", 0755), EEXIST);
    CHECK_ERRNO(rmdir("/tmp"), EBUSY);
    CHECK_ERRNO(open("", O_RDONLY), ENOENT);
    CHECK_ERRNO(open((char*)8, O_RDONLY), EFAULT);
    CHECK_ERRNO(syscall(SYS_stat, "/tmp", 0xffffffff80000000ul), EFAULT);
    CHECK_ERRNO(open("/tmp/../tmp/./x/", O_CREAT | O_WRONLY, 0644), EISDIR);
    char name[300];
    memset(name, 'a', sizeof name);
    name[0] = '/';
    name[299] = 0;
    CHECK_ERRNO(open(name, O_RDONLY), ENAMETOOLONG);
    char lbuf[256];
    long n = readlink("/proc/self/exe", lbuf, sizeof lbuf);
    CHECK_TRUE(n > 0);
    CHECK_ERRNO(readlink("/tmp", lbuf, sizeof lbuf), EINVAL);
    CHECK_ERRNO(readlink("/tmp", lbuf, 0), EINVAL);
    CHECK_TRUE(access("/", R_OK | X_OK) == 0);
    CHECK_ERRNO(access("/", W_OK), EROFS);
    DIR* d = opendir("/");
    int tmp_seen = 0;
    struct dirent* e;
    while (d && (e = readdir(d)) != NULL) tmp_seen += !strcmp(e->d_name, "tmp");
    CHECK_TRUE(tmp_seen == 1);
    if (d) closedir(d);
}

/* The tree tests/data/fs/basic, given with --root: contents, symlinks, directories, EROFS. */
static void basic_tree(void) {
    char buf[256] = {0};
    int fd = open("/hello.txt", O_RDONLY | O_CLOEXEC);
    CHECK_TRUE(fd >= 0 && read(fd, buf, sizeof buf) == 23 &&
               !memcmp(buf, "hello from the enclave\n", 23));
    CHECK_TRUE(read(fd, buf, sizeof buf) == 0);
    CHECK_TRUE(lseek(fd, -6, SEEK_END) == 17 && read(fd, buf, 6) == 6 &&
               !memcmp(buf, "clave\n", 6));
    CHECK_TRUE(pread(fd, buf, 5, 0) == 5 && !memcmp(buf, "hello", 5));
    CHECK_ERRNO(write(fd, "x", 1), EBADF);
    CHECK_ERRNO(ftruncate(fd, 0), EINVAL);
    close(fd);
    struct stat st;
    CHECK_TRUE(stat("/link-to-hello", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 23);
    CHECK_TRUE(lstat("/link-to-hello", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 9);
    CHECK_TRUE(stat("/sub/up", &st) == 0 && st.st_size == 232);
    CHECK_TRUE(stat("/sub", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0755);
    CHECK_TRUE(readlink("/sub/up", buf, sizeof buf) == 12 && !memcmp(buf, "../lorem.txt", 12));
    CHECK_TRUE(readlink("/sub/up", buf, 3) == 3 && !memcmp(buf, "../", 3));
    CHECK_TRUE(readlinkat(AT_FDCWD, "link-to-hello", buf, sizeof buf) == 9);
    CHECK_ERRNO(open("/link-to-hello", O_RDONLY | O_NOFOLLOW), ELOOP);
    CHECK_ERRNO(open("/hello.txt", O_WRONLY), EROFS);
    CHECK_ERRNO(open("/hello.txt", O_RDWR), EROFS);
    CHECK_ERRNO(open("/hello.txt", O_RDONLY | O_TRUNC), EROFS);
    CHECK_ERRNO(open("/sub/new", O_CREAT | O_WRONLY, 0644), EROFS);
    CHECK_ERRNO(open("/hello.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    CHECK_ERRNO(unlink("/hello.txt"), EROFS);
    CHECK_ERRNO(unlink("/nope"), ENOENT);
    CHECK_ERRNO(rmdir("/sub"), EROFS);
    CHECK_ERRNO(mkdir("/sub/x", 0755), EROFS);
    CHECK_ERRNO(access("/hello.txt", W_OK), EROFS);
    CHECK_ERRNO(access("/hello.txt", X_OK), EACCES);
    CHECK_ERRNO(open("/hello.txt/", O_RDONLY), ENOTDIR);
    CHECK_TRUE(chdir("/sub") == 0);
    char cwd[64];
    CHECK_TRUE(getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/sub"));
    fd = open("up", O_RDONLY);
    CHECK_TRUE(fd >= 0 && read(fd, buf, 5) == 5 && !memcmp(buf, "Lorem", 5));
    close(fd);
    CHECK_TRUE(stat("../hello.txt", &st) == 0 && st.st_size == 23);
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_TRUE(fstatat(dfd, "nested.txt", &st, 0) == 0 && st.st_size == 12);
    CHECK_TRUE(fstatat(dfd, "up", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode));
    CHECK_TRUE(chdir("/") == 0);
    fd = openat(dfd, "nested.txt", O_RDONLY); /* relative to dfd, not the cwd */
    CHECK_TRUE(fd >= 0);
    close(fd);
    close(dfd);
    DIR* d = opendir("/sub");
    int seen = 0;
    struct dirent* e;
    while (d && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, "nested.txt") && e->d_type == DT_REG) seen += 1;
        if (!strcmp(e->d_name, "up") && e->d_type == DT_LNK) seen += 10;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) seen += 100;
    }
    CHECK_TRUE(seen == 211);
    if (d) closedir(d);
}

static void stdio_and_misc(void) {
    struct stat st;
    CHECK_TRUE(fstat(1, &st) == 0 && S_ISFIFO(st.st_mode));
    char c;
    CHECK_TRUE(read(0, &c, 1) == 0);
    CHECK_ERRNO(lseek(0, 0, SEEK_SET), ESPIPE);
    CHECK_ERRNO(read(1, &c, 1), EBADF);
    CHECK_ERRNO(write(0, "x", 1), EBADF);
    CHECK_ERRNO(ioctl_tcgets(), ENOTTY);
    struct pollfd p[4] = {{0, POLLIN, 0}, {1, POLLOUT, 0}, {2, POLLOUT, 0}, {55, POLLIN, 0}};
    CHECK_TRUE(poll(p, 4, 0) == 4 && p[0].revents == POLLIN && p[1].revents == POLLOUT &&
               p[3].revents == POLLNVAL);
    struct utsname u;
    CHECK_TRUE(uname(&u) == 0 && !strcmp(u.sysname, "Linux") && !strcmp(u.machine, "x86_64") &&
               u.nodename[0] != 0);
    unsigned char r1[64] = {0}, r2[64] = {0};
    CHECK_TRUE(getrandom(r1, sizeof r1, 0) == 64 && getrandom(r2, sizeof r2, GRND_NONBLOCK) == 64 &&
               memcmp(r1, r2, 64) != 0);
    CHECK_TRUE(getrandom(r1, 8, GRND_RANDOM) == 8);
    CHECK_ERRNO(getrandom(r1, 8, 0x100), EINVAL);
    struct rlimit rl;
    CHECK_TRUE(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == 8u << 20);
    CHECK_TRUE(prlimit(0, RLIMIT_NOFILE, NULL, &rl) == 0 && rl.rlim_cur == 64);
    rl.rlim_cur = 32;
    CHECK_TRUE(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    char pname[16] = {0};
    CHECK_TRUE(prctl(PR_GET_NAME, pname) == 0 && pname[0] != 0);
    CHECK_TRUE(prctl(PR_SET_NAME, "renamed") == 0 && prctl(PR_GET_NAME, pname) == 0 &&
               !strcmp(pname, "renamed"));
    struct sysinfo si;
    CHECK_TRUE(sysinfo(&si) == 0 && si.totalram > 0 && si.procs == 1);
    CHECK_TRUE(getppid() == 0 && getuid() == 0 && geteuid() == 0 && getgid() == 0);
    CHECK_TRUE(getpgrp() == 1 && getpgid(0) == 1 && getsid(0) == 1);
    CHECK_TRUE(umask(077) == 022 && umask(022) == 077);
    int fds[64];
    int nfd = 0;
    while (nfd < 64 && (fds[nfd] = open("/", O_RDONLY)) >= 0) nfd++;
    CHECK_TRUE(nfd == 61 && errno == EMFILE);
    for (int i = 0; i < nfd; i++) close(fds[i]);
}

/* Reads `path` into buf (NUL-terminated): its length, or -1. */
static long slurp(const char* path, char* buf, size_t cap) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    long n = read(fd, buf, cap - 1);
    close(fd);
    if (n >= 0) buf[n] = 0;
    return n;
}

static int put(const char* path, const char* text) {
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) return -1;
    long n = write(fd, text, strlen(text));
    close(fd);
    return n == (long)strlen(text) ? 0 : -1;
}

/* --tmpfs /run:mode=755,size=64k --tmpfs /dev/shm: private writable directories with the mode
 * and limit asked for, each its own, walked into and out of like any directory. */
static void tmpfs_mounts(void) {
    struct stat st;
    CHECK_TRUE(stat("/run", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0755);
    CHECK_TRUE(stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777);
    CHECK_TRUE(stat("/dev", &st) == 0 && S_ISDIR(st.st_mode));
    char buf[128];
    CHECK_TRUE(put("/run/app.pid", "123\n") == 0);
    CHECK_TRUE(put("/dev/shm/app.pid", "shm\n") == 0);
    CHECK_TRUE(slurp("/run/app.pid", buf, sizeof buf) == 4 && !strcmp(buf, "123\n"));
    CHECK_TRUE(slurp("/dev/shm/app.pid", buf, sizeof buf) == 4 && !strcmp(buf, "shm\n"));
    CHECK_ERRNO(open("/tmp/app.pid", O_RDONLY), ENOENT);
    CHECK_TRUE(mkdir("/run/a", 0755) == 0 && mkdir("/run/a/b", 0700) == 0);
    CHECK_TRUE(chdir("/run/a/b") == 0 && getcwd(buf, sizeof buf) != NULL &&
               !strcmp(buf, "/run/a/b"));
    CHECK_TRUE(chdir("../../..") == 0 && getcwd(buf, sizeof buf) != NULL && !strcmp(buf, "/"));
    CHECK_TRUE(chdir("/dev/shm") == 0 && getcwd(buf, sizeof buf) != NULL &&
               !strcmp(buf, "/dev/shm"));
    CHECK_TRUE(slurp("app.pid", buf, sizeof buf) == 4 &&
               slurp("../../run/app.pid", buf, sizeof buf) == 4);
    CHECK_TRUE(chdir("/") == 0);
    int seen = 0;
    DIR* d = opendir("/");
    CHECK_TRUE(d != NULL);
    for (struct dirent* e; d != NULL && (e = readdir(d)) != NULL;) {
        if (!strcmp(e->d_name, "run") && e->d_type == DT_DIR) seen |= 1;
        if (!strcmp(e->d_name, "dev") && e->d_type == DT_DIR) seen |= 2;
        if (!strcmp(e->d_name, "tmp") && e->d_type == DT_DIR) seen |= 4;
    }
    if (d != NULL) closedir(d);
    CHECK_TRUE(seen == 7);
    CHECK_ERRNO(rmdir("/run"), EBUSY);
    CHECK_ERRNO(mkdir("/etc", 0755), EROFS);
    /* Not /dev/null: that one is a device now (unikernel/dev/). */
    CHECK_ERRNO(open("/dev/new-file", O_CREAT | O_WRONLY, 0644), EROFS);
    /* size=64k: 16 pages, 5 already held (the root, a, b, app.pid and its data). */
    static char page[4096];
    memset(page, 'x', sizeof page);
    int fd = open("/run/big", O_CREAT | O_WRONLY, 0644);
    CHECK_TRUE(fd >= 0);
    long total = 0, n;
    errno = 0;
    while ((n = write(fd, page, sizeof page)) > 0 && total < (1 << 20)) total += n;
    CHECK_TRUE(n == -1 && errno == ENOSPC && total > 0 && total < 64 * 1024);
    close(fd);
    CHECK_TRUE(unlink("/run/big") == 0 && put("/run/again", "room again\n") == 0);
    CHECK_TRUE(put("/dev/shm/big", "no limit here\n") == 0);
}

int main(int argc, char** argv) {
    if (argc > 1 && !strcmp(argv[1], "--mounts")) {
        tmpfs_mounts();
        printf("file-check: %d checks, %d failed\n", checks, failed);
        return failed != 0;
    }
    tree_basics();
    if (argc > 1 && !strcmp(argv[1], "--basic-tree")) basic_tree();
    tmp_files();
    stdio_and_misc();
    printf("file-check: %d checks, %d failed\n", checks, failed);
    return failed != 0;
}
