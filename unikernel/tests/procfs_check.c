/* Checks what the procfs work item added, from inside a domain: /proc (self, PID/stat, status,
 * cmdline, maps, meminfo, uptime, the listing), fcntl record locks (POSIX and OFD, what SQLite's
 * unix VFS does on a database file), getrusage and times, chmod/chown in /tmp, a /tmp file past
 * the old 1888 KiB cap, and file-backed mmap.  Prints one line per failed check and
 * "procfs-check: N checks, M failed"; exits 1 on any failure.  Run with any arguments: cmdline is
 * compared with argv.  With a tree (--root) whose /hello.txt exists, the argument --tree also
 * maps that read-only file. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

#include "er_check.h"

static char buf[64 * 1024];

/* The whole of a file into buf (NUL-terminated): its length, or -1. */
static long slurp(const char* path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    long n = 0, r;
    /* Small reads, as stdio's would be: the text must come out whole across calls. */
    while ((r = read(fd, buf + n, 100)) > 0 && n < (long)sizeof buf - 200) n += r;
    close(fd);
    buf[n] = '\0';
    return r < 0 ? -1 : n;
}

static void proc_files(int argc, char** argv) {
    char link[64];
    long n = readlink("/proc/self", link, sizeof link);
    CHECK_TRUE(n > 0);
    if (n > 0) {
        link[n] = '\0';
        CHECK_TRUE(atoi(link) == getpid());
    }
    n = readlink("/proc/self/exe", link, sizeof link);
    CHECK_TRUE(n > 0 && link[0] == '/');

    CHECK_TRUE(slurp("/proc/self/stat") > 0);
    int pid = 0, ppid = -1;
    char state = 0;
    char* close_paren = strrchr(buf, ')');
    CHECK_TRUE(sscanf(buf, "%d", &pid) == 1 && pid == getpid());
    CHECK_TRUE(close_paren != NULL && sscanf(close_paren + 2, "%c %d", &state, &ppid) == 2);
    CHECK_TRUE(state == 'R' && ppid == getppid());
    int fields = 0;
    for (char* p = close_paren; p != NULL && *p; p++) fields += *p == ' ';
    CHECK_TRUE(fields == 50); /* 52 fields: pid, (comm), then 50 more after the paren */

    CHECK_TRUE(slurp("/proc/self/status") > 0);
    CHECK_TRUE(strstr(buf, "\nPid:\t") != NULL && strstr(buf, "\nVmRSS:\t") != NULL);
    CHECK_TRUE(strncmp(buf, "Name:\t", 6) == 0);

    /* cmdline: argv, each string NUL-terminated. */
    long len = slurp("/proc/self/cmdline");
    long want = 0;
    for (int i = 0; i < argc; i++) want += strlen(argv[i]) + 1;
    CHECK_TRUE(len == want);
    long at = 0;
    for (int i = 0; i < argc && len == want; i++) {
        CHECK_TRUE(strcmp(buf + at, argv[i]) == 0);
        at += strlen(argv[i]) + 1;
    }

    CHECK_TRUE(slurp("/proc/self/maps") > 0);
    CHECK_TRUE(strstr(buf, "[stack]") != NULL && strstr(buf, "r-xp") != NULL);

    CHECK_TRUE(slurp("/proc/meminfo") > 0);
    unsigned long total = 0, avail = 0;
    char* m = strstr(buf, "MemTotal:");
    CHECK_TRUE(m != NULL && sscanf(m, "MemTotal: %lu kB", &total) == 1 && total > 0);
    m = strstr(buf, "MemAvailable:");
    CHECK_TRUE(m != NULL && sscanf(m, "MemAvailable: %lu kB", &avail) == 1 && avail <= total);

    CHECK_TRUE(slurp("/proc/uptime") > 0);
    double up = -1;
    CHECK_TRUE(sscanf(buf, "%lf", &up) == 1 && up >= 0);
    CHECK_TRUE(slurp("/proc/cpuinfo") > 0 && strstr(buf, "processor\t: 0") != NULL);
    CHECK_TRUE(slurp("/proc/stat") > 0 && strncmp(buf, "cpu ", 4) == 0);

    /* The listing holds self and this process; nothing else is this domain's. */
    DIR* d = opendir("/proc");
    CHECK_TRUE(d != NULL);
    int saw_self = 0, saw_pid = 0, pids = 0;
    struct dirent* e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, "self") == 0) saw_self = 1;
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9') {
            pids++;
            if (atoi(e->d_name) == getpid()) saw_pid = e->d_type == DT_DIR;
        }
    }
    if (d != NULL) closedir(d);
    CHECK_TRUE(saw_self && saw_pid && pids == 1); /* this app never forks: only itself */
    struct stat st;
    CHECK_ERRNO(stat("/proc/4000", &st), ENOENT); /* no such process in this domain */
    CHECK_TRUE(stat("/proc/self/status", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0);
}

static int lk(int fd, int cmd, short type, off_t start, off_t len) {
    struct flock f = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &f);
}

static void record_locks(void) {
    int a = open("/tmp/db", O_RDWR | O_CREAT, 0644);
    int b = open("/tmp/db", O_RDWR);
    CHECK_TRUE(a >= 0 && b >= 0);
    /* SQLite's unix VFS: a shared lock is a read lock on the PENDING byte, then on the SHARED
     * range, then the PENDING byte again released; RESERVED is a write lock on its byte;
     * EXCLUSIVE a write lock on the SHARED range. */
    const off_t pending = 0x40000000, reserved = pending + 1, shared = pending + 2;
    CHECK_TRUE(lk(a, F_SETLK, F_RDLCK, pending, 1) == 0);
    CHECK_TRUE(lk(a, F_SETLK, F_RDLCK, shared, 510) == 0);
    CHECK_TRUE(lk(a, F_SETLK, F_UNLCK, pending, 1) == 0);
    CHECK_TRUE(lk(a, F_SETLK, F_WRLCK, reserved, 1) == 0);
    CHECK_TRUE(lk(a, F_SETLK, F_WRLCK, shared, 510) == 0);
    /* One process's POSIX locks never conflict with each other, through any descriptor. */
    struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = shared, .l_len = 1};
    CHECK_TRUE(fcntl(b, F_GETLK, &q) == 0 && q.l_type == F_UNLCK);
    /* An OFD lock on another description conflicts with them. */
    struct flock o = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = shared, .l_len = 1};
    CHECK_ERRNO(fcntl(b, F_OFD_SETLK, &o), EAGAIN);
    /* RESERVED and SHARED touch: one lock now, as Linux merges them. */
    CHECK_TRUE(fcntl(b, F_OFD_GETLK, &o) == 0 && o.l_type == F_WRLCK && o.l_pid == getpid() &&
               o.l_start == reserved && o.l_len == 511);
    o = (struct flock){.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = shared, .l_len = 1};
    o.l_pid = 1;
    CHECK_ERRNO(fcntl(b, F_OFD_SETLK, &o), EINVAL); /* l_pid must be 0 */
    o.l_pid = 0;
    /* Closing ANY descriptor of the file drops the process's POSIX locks (fcntl(2)). */
    int c = open("/tmp/db", O_RDONLY);
    CHECK_TRUE(c >= 0 && close(c) == 0);
    CHECK_TRUE(fcntl(b, F_OFD_SETLK, &o) == 0);
    /* Now the OFD read lock blocks a POSIX write lock of the same process... */
    CHECK_ERRNO(lk(a, F_SETLK, F_WRLCK, shared, 1), EAGAIN);
    struct flock g = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    CHECK_TRUE(fcntl(a, F_GETLK, &g) == 0 && g.l_type == F_RDLCK && g.l_pid == -1);
    /* ...but not a read lock, and a whole-file lock to EOF is fine elsewhere. */
    CHECK_TRUE(lk(a, F_SETLK, F_RDLCK, shared, 1) == 0);
    CHECK_TRUE(lk(a, F_SETLK, F_WRLCK, 0, 100) == 0);
    /* The OFD lock goes with its description's last descriptor. */
    int b2 = dup(b);
    CHECK_TRUE(close(b) == 0);
    CHECK_ERRNO(lk(a, F_SETLK, F_WRLCK, shared, 1), EAGAIN); /* b2 still holds it */
    CHECK_TRUE(close(b2) == 0);
    CHECK_TRUE(lk(a, F_SETLK, F_WRLCK, shared, 1) == 0);
    /* Argument checks. */
    CHECK_ERRNO(lk(a, F_SETLK, 7, 0, 1), EINVAL);
    CHECK_ERRNO(lk(a, F_SETLK, F_RDLCK, -5, 1), EINVAL);
    int r = open("/tmp/db", O_RDONLY);
    CHECK_ERRNO(lk(r, F_SETLK, F_WRLCK, 0, 1), EBADF); /* a write lock needs a writable fd */
    CHECK_TRUE(close(r) == 0);
    /* Any descriptor takes locks, the console's too. */
    CHECK_TRUE(lk(1, F_SETLK, F_WRLCK, 0, 1) == 0 && lk(1, F_SETLK, F_UNLCK, 0, 0) == 0);
    CHECK_TRUE(close(a) == 0);
}

/* Between processes (skipped where fork is missing): a child meets its parent's locks, and sees
 * its parent in /proc; F_SETLKW waits for the unlock; a cycle of two waiters is EDEADLK for one
 * of them, whichever asks second. */
static void locks_between_processes(void) {
    int fd = open("/tmp/shared", O_RDWR | O_CREAT, 0644);
    CHECK_TRUE(fd >= 0);
    CHECK_TRUE(lk(fd, F_SETLK, F_WRLCK, 0, 10) == 0);
    int to_parent[2];
    CHECK_TRUE(pipe(to_parent) == 0);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0 && errno == ENOSYS) return;
    CHECK_TRUE(child >= 0);
    if (child == 0) {
        int bad = 0;
        struct flock g = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
        bad |= lk(fd, F_SETLK, F_WRLCK, 0, 1) != -1 || errno != EAGAIN;
        bad |= fcntl(fd, F_GETLK, &g) != 0 || g.l_type != F_WRLCK || g.l_pid != parent;
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)parent);
        bad |= slurp(path) <= 0 || strstr(buf, ") S ") == NULL;
        bad |= slurp("/proc/self/stat") <= 0 || atoi(buf) != getpid();
        /* Hold B = [20, 21), tell the parent, then wait for A = [0, 10). */
        bad |= lk(fd, F_SETLK, F_WRLCK, 20, 1) != 0;
        bad |= write(to_parent[1], "b", 1) != 1;
        int r = lk(fd, F_SETLKW, F_WRLCK, 0, 10);
        int deadlock = r == -1 && errno == EDEADLK;
        bad |= r != 0 && !deadlock;
        _exit(bad ? 1 : deadlock ? 3 : 2);
    }
    char c;
    CHECK_TRUE(read(to_parent[0], &c, 1) == 1);
    /* The parent asks for B: a deadlock if the child already waits for A; otherwise the parent
     * waits, and the child's own request then closes the cycle and gets EDEADLK instead. */
    int r = lk(fd, F_SETLKW, F_WRLCK, 20, 1);
    int parent_deadlock = r == -1 && errno == EDEADLK;
    CHECK_TRUE(r == 0 || parent_deadlock);
    CHECK_TRUE(lk(fd, F_SETLK, F_UNLCK, 0, 0) == 0); /* lets a waiting child through */
    int status = 0;
    CHECK_TRUE(waitpid(child, &status, 0) == child && WIFEXITED(status));
    /* Exactly one of the two got EDEADLK: 2 = the child got A after the parent's EDEADLK. */
    CHECK_TRUE(WEXITSTATUS(status) == (parent_deadlock ? 2 : 3));
    /* The child's locks went with it. */
    CHECK_TRUE(lk(fd, F_SETLK, F_WRLCK, 0, 0) == 0);
    CHECK_TRUE(close(fd) == 0 && close(to_parent[0]) == 0 && close(to_parent[1]) == 0);
}

static void usage(void) {
    struct rusage ru;
    CHECK_TRUE(getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_maxrss > 0);
    CHECK_TRUE(getrusage(RUSAGE_CHILDREN, &ru) == 0);
    CHECK_TRUE(getrusage(RUSAGE_THREAD, &ru) == 0 && ru.ru_maxrss > 0);
    CHECK_ERRNO(getrusage(5, &ru), EINVAL);
    struct tms t;
    CHECK_TRUE(times(&t) != (clock_t)-1);
}

static void owners(void) {
    int fd = open("/tmp/owned", O_CREAT | O_RDWR, 04755);
    CHECK_TRUE(fd >= 0);
    struct stat st;
    CHECK_TRUE(chmod("/tmp/owned", 0640) == 0);
    CHECK_TRUE(stat("/tmp/owned", &st) == 0 && (st.st_mode & 07777) == 0640 && S_ISREG(st.st_mode));
    CHECK_TRUE(fchmod(fd, 04711) == 0);
    CHECK_TRUE(fchown(fd, 1000, 100) == 0);
    CHECK_TRUE(fstat(fd, &st) == 0 && st.st_uid == 1000 && st.st_gid == 100);
    CHECK_TRUE((st.st_mode & 07777) == 0711); /* set-user-ID dropped by the owner change */
    CHECK_TRUE(chown("/tmp/owned", -1, 7) == 0);
    CHECK_TRUE(stat("/tmp/owned", &st) == 0 && st.st_uid == 1000 && st.st_gid == 7);
    CHECK_TRUE(fchownat(AT_FDCWD, "/tmp/owned", 5, 5, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK_TRUE(lchown("/tmp", 0, 0) == 0);
    CHECK_TRUE(fchmodat(AT_FDCWD, "/tmp/owned", 0600, 0) == 0);
    CHECK_TRUE(stat("/tmp/owned", &st) == 0 && (st.st_mode & 07777) == 0600 && st.st_uid == 5);
    CHECK_ERRNO(chmod("/", 0755), EROFS);
    CHECK_ERRNO(chown("/", 0, 0), EROFS);
    CHECK_ERRNO(chmod("/tmp/missing", 0755), ENOENT);
    CHECK_ERRNO(fchmod(99, 0755), EBADF);
    CHECK_TRUE(close(fd) == 0);
}

static void big_tmp_file(void) {
    /* 8 MiB, four times the old cap, in 64 KiB writes of a pattern. */
    int fd = open("/tmp/big", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK_TRUE(fd >= 0);
    static unsigned char chunk[65536];
    int ok = 1;
    for (int i = 0; i < 128 && ok; i++) {
        memset(chunk, i, sizeof chunk);
        ok = write(fd, chunk, sizeof chunk) == (long)sizeof chunk;
    }
    CHECK_TRUE(ok);
    struct stat st;
    CHECK_TRUE(fstat(fd, &st) == 0 && st.st_size == 8 << 20);
    CHECK_TRUE(pread(fd, chunk, 16, 100 * 65536 + 5) == 16 && chunk[0] == 100 && chunk[15] == 100);
    CHECK_TRUE(pread(fd, chunk, 1, (8 << 20) - 1) == 1 && chunk[0] == 127);
    CHECK_TRUE(ftruncate(fd, 3 << 20) == 0);
    CHECK_TRUE(pread(fd, chunk, 4, (3 << 20) - 2) == 2);
    CHECK_TRUE(close(fd) == 0 && unlink("/tmp/big") == 0);
}

static void file_mmap(int tree) {
    int fd = open("/tmp/m", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK_TRUE(fd >= 0);
    for (int i = 0; i < 3000; i++) dprintf(fd, "%04d", i); /* 12000 bytes: three pages */
    char* p = mmap(NULL, 12000, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK_TRUE(p != MAP_FAILED);
    if (p != MAP_FAILED) {
        CHECK_TRUE(memcmp(p, "000000010002", 12) == 0 && memcmp(p + 11996, "2999", 4) == 0);
        CHECK_TRUE(p[12000] == 0 && p[12287] == 0); /* the rest of the last page */
        CHECK_TRUE(munmap(p, 12000) == 0);
    }
    /* An offset: the second page. */
    p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 4096);
    CHECK_TRUE(p != MAP_FAILED);
    if (p != MAP_FAILED) {
        CHECK_TRUE(memcmp(p, "1024", 4) == 0);
        p[0] = 'X'; /* a private copy: the file keeps its bytes */
        char c;
        CHECK_TRUE(pread(fd, &c, 1, 4096) == 1 && c == '1');
        CHECK_TRUE(munmap(p, 4096) == 0);
    }
    CHECK_TRUE(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL);
    CHECK_TRUE(mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0) == MAP_FAILED &&
               errno == EPERM);
    int ro = open("/tmp/m", O_RDONLY);
    /* A shared mapping of a read-only descriptor can never become writable. */
    p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
    CHECK_TRUE(p != MAP_FAILED && memcmp(p, "0000", 4) == 0);
    if (p != MAP_FAILED) {
        CHECK_ERRNO(mprotect(p, 4096, PROT_READ | PROT_WRITE), EACCES);
        CHECK_TRUE(munmap(p, 4096) == 0);
    }
    CHECK_TRUE(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
               errno == EACCES);
    int wo = open("/tmp/m", O_WRONLY);
    CHECK_TRUE(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, wo, 0) == MAP_FAILED && errno == EACCES);
    CHECK_TRUE(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 1, 0) == MAP_FAILED && errno == EACCES);
    CHECK_TRUE(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 0, 0) == MAP_FAILED && errno == ENODEV);
    CHECK_TRUE(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 77, 0) == MAP_FAILED && errno == EBADF);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK_TRUE(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, dir, 0) == MAP_FAILED && errno == ENODEV);
    close(dir), close(wo), close(ro), close(fd);
    if (tree) {
        int h = open("/hello.txt", O_RDONLY);
        CHECK_TRUE(h >= 0);
        char want[64] = {0};
        long n = read(h, want, sizeof want);
        char* q = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, h, 0);
        CHECK_TRUE(n > 0 && q != MAP_FAILED && memcmp(q, want, n) == 0);
        close(h);
    }
}

int main(int argc, char** argv) {
    int tree = argc > 1 && strcmp(argv[1], "--tree") == 0;
    proc_files(argc, argv);
    record_locks();
    locks_between_processes();
    usage();
    owners();
    big_tmp_file();
    file_mmap(tree);
    printf("procfs-check: %d checks, %d failed\n", checks, failed);
    return failed != 0;
}
