/* fork, wait4/waitid and the process tree from the inside (unikernel/process/, docs/syscalls.md
 * "Processes").  Modes:
 *
 *   (none)      fork + wait statuses (exit code, killed by SIGSEGV and by SIGTERM), copy-on-write
 *               isolation between parent and child in both directions, WNOHANG, ECHILD, waitid,
 *               getppid, an orphan reparented to init (pid 1) and reaped by it, process groups and
 *               sessions, vfork and clone(SIGCHLD) with CLONE_CHILD_SETTID/CLONE_PARENT_SETTID;
 *               prints "fork-check: C checks, F failed".
 *   --bomb      forks until the domain's memory limit (or the process table) stops it: fork must
 *               fail with ENOMEM or EAGAIN, not panic; then kills and reaps every child and
 *               prints "fork-check: bomb stopped after N forks by ERRNO".
 *   --attack A  a forked child reads address A (another domain's memory) and must die of
 *               SIGSEGV; prints "fork-check: attack: child killed by signal S".
 *   --victim    holds its memory for 1 s (the attacker's neighbour).
 *   --leave N   forks N children that never end, then exits: the domain ends with its init. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "er_check.h"

static volatile int g_shared_value = 1;
static char g_buf[64 * 1024];

static long sys_fork(void) {
    return raw(SYS_fork, 0, 0, 0, 0, 0, 0);
}
static long sys_wait4(long pid, int* st, long options) {
    return raw(SYS_wait4, pid, (long)st, options, 0, 0, 0);
}
static void child_exit(int code) {
    raw(SYS_exit_group, code, 0, 0, 0, 0, 0);
}

static void exit_statuses(void) {
    int st = 0;
    long pid = sys_fork();
    if (pid == 0) child_exit(7);
    CHECK("fork returns the child's pid", pid > 1);
    CHECK_EQ("wait4 that pid", sys_wait4(pid, &st, 0), pid);
    CHECK("exited", WIFEXITED(st));
    CHECK_EQ("exit code", WEXITSTATUS(st), 7);
    CHECK_EQ("reaped: nothing left", sys_wait4(-1, &st, 0), -ECHILD);

    pid = sys_fork();
    if (pid == 0) {
        volatile int* volatile nowhere = (int*)8;
        *nowhere = 1; /* SIGSEGV: the child dies alone */
        child_exit(0);
    }
    CHECK_EQ("wait4 any", sys_wait4(-1, &st, 0), pid);
    CHECK("killed by a signal", WIFSIGNALED(st));
    CHECK_EQ("by SIGSEGV", WTERMSIG(st), SIGSEGV);

    pid = sys_fork();
    if (pid == 0) {
        raw(SYS_kill, raw(SYS_getpid, 0, 0, 0, 0, 0, 0), SIGTERM, 0, 0, 0, 0);
        child_exit(0);
    }
    CHECK_EQ("wait4", sys_wait4(pid, &st, 0), pid);
    CHECK("SIGTERM's default action", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
}

static void cow_isolation(void) {
    memset(g_buf, 'p', sizeof g_buf);
    g_shared_value = 1;
    long pid = sys_fork();
    if (pid == 0) {
        /* The parent's later writes never show here, and ours never show there. */
        int ok = g_shared_value == 1 && g_buf[0] == 'p' && g_buf[sizeof g_buf - 1] == 'p';
        g_shared_value = 2;
        memset(g_buf, 'c', sizeof g_buf);
        ok = ok && g_shared_value == 2 && g_buf[100] == 'c';
        child_exit(ok ? 0 : 1);
    }
    g_shared_value = 3;
    g_buf[0] = 'P';
    int st = 0;
    CHECK_EQ("wait4", sys_wait4(pid, &st, 0), pid);
    CHECK("the child saw its own copy", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ("the parent kept its value", g_shared_value, 3);
    CHECK("the parent's buffer is untouched by the child", g_buf[0] == 'P' && g_buf[100] == 'p');
}

static void nohang_waitid_ppid(void) {
    long me = raw(SYS_getpid, 0, 0, 0, 0, 0, 0);
    int st = 0;
    long pid = sys_fork();
    if (pid == 0) {
        if (raw(SYS_getppid, 0, 0, 0, 0, 0, 0) != me) child_exit(9);
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
        child_exit(3);
    }
    CHECK_EQ("WNOHANG before it ends", sys_wait4(pid, &st, WNOHANG), 0);
    siginfo_t info;
    memset(&info, 0xff, sizeof info);
    CHECK_EQ("waitid blocks until it ends", raw(SYS_waitid, P_PID, pid, (long)&info, WEXITED, 0, 0),
             0);
    CHECK_EQ("si_pid", info.si_pid, pid);
    CHECK_EQ("si_code", info.si_code, CLD_EXITED);
    CHECK_EQ("si_status (and getppid in the child)", info.si_status, 3);
    CHECK_EQ("waitid reaped it", sys_wait4(pid, &st, WNOHANG), -ECHILD);
    CHECK_EQ("wait4 flags checked", sys_wait4(-1, &st, 0x100), -EINVAL);
}

static void orphans(void) {
    long me = raw(SYS_getpid, 0, 0, 0, 0, 0, 0);
    int st = 0;
    long child = sys_fork();
    if (child == 0) {
        long grandchild = sys_fork();
        if (grandchild == 0) {
            /* Until its parent is gone: then init (pid 1) is its parent. */
            for (int i = 0; i < 100000 && raw(SYS_getppid, 0, 0, 0, 0, 0, 0) != 1; i++)
                raw(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
            child_exit(raw(SYS_getppid, 0, 0, 0, 0, 0, 0) == 1 ? 5 : 6);
        }
        child_exit(grandchild > 0 ? 0 : 1);
    }
    CHECK_EQ("wait4 the child", sys_wait4(child, &st, 0), child);
    if (me == 1) {
        long any = sys_wait4(-1, &st, 0);
        CHECK("init reaps the orphaned grandchild", any > 1 && any != child);
        CHECK_EQ("which saw init as its parent", WEXITSTATUS(st), 5);
    }
}

static void groups(void) {
    long me = raw(SYS_getpid, 0, 0, 0, 0, 0, 0);
    int st = 0;
    CHECK_EQ("init leads its group", raw(SYS_getpgid, 0, 0, 0, 0, 0, 0), me);
    CHECK_EQ("init cannot setsid", raw(SYS_setsid, 0, 0, 0, 0, 0, 0), -EPERM);
    long pid = sys_fork();
    if (pid == 0) {
        long self = raw(SYS_getpid, 0, 0, 0, 0, 0, 0);
        int ok = raw(SYS_getpgid, 0, 0, 0, 0, 0, 0) == me; /* inherited */
        ok = ok && raw(SYS_setsid, 0, 0, 0, 0, 0, 0) == self;
        ok = ok && raw(SYS_getsid, 0, 0, 0, 0, 0, 0) == self;
        ok = ok && raw(SYS_getpgid, 0, 0, 0, 0, 0, 0) == self;
        child_exit(ok ? 0 : 1);
    }
    CHECK_EQ("wait4", sys_wait4(pid, &st, 0), pid);
    CHECK("setsid/getsid/getpgid in the child", WIFEXITED(st) && WEXITSTATUS(st) == 0);

    pid = sys_fork();
    if (pid == 0) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        child_exit(4);
    }
    CHECK_EQ("setpgid of a child", raw(SYS_setpgid, pid, pid, 0, 0, 0, 0), 0);
    CHECK_EQ("getpgid of it", raw(SYS_getpgid, pid, 0, 0, 0, 0, 0), pid);
    CHECK_EQ("its group is not ours", sys_wait4(0, &st, WNOHANG), -ECHILD);
    CHECK_EQ("wait4(-pgid)", sys_wait4(-pid, &st, 0), pid);
    CHECK_EQ("status", WEXITSTATUS(st), 4);
    CHECK_EQ("no such process", raw(SYS_getpgid, 99999, 0, 0, 0, 0, 0), -ESRCH);
}

static void vfork_and_clone(void) {
    int st = 0;
    long pid = raw(SYS_vfork, 0, 0, 0, 0, 0, 0);
    if (pid == 0) child_exit(11);
    CHECK_EQ("vfork child", sys_wait4(pid, &st, 0), pid);
    CHECK_EQ("its status", WEXITSTATUS(st), 11);

    static int ptid, ctid;
    ptid = ctid = 0;
    /* clone(CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | SIGCHLD, 0, &ptid, &ctid, 0) */
    pid = raw(SYS_clone, 0x100000 | 0x1000000 | SIGCHLD, 0, (long)&ptid, (long)&ctid, 0, 0);
    if (pid == 0) child_exit(ctid == (int)raw(SYS_getpid, 0, 0, 0, 0, 0, 0) ? 0 : 1);
    CHECK_EQ("CLONE_PARENT_SETTID", ptid, pid);
    CHECK_EQ("CLONE_CHILD_SETTID wrote the child's copy only", ctid, 0);
    CHECK_EQ("clone child", sys_wait4(pid, &st, 0), pid);
    CHECK("it saw its tid", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int bomb(void) {
    long n = 0, err = 0;
    static long pids[4096];
    for (; n < 4096; n++) {
        long pid = sys_fork();
        if (pid == 0) {
            for (;;) raw(SYS_pause, 0, 0, 0, 0, 0, 0);
        }
        if (pid < 0) {
            err = -pid;
            break;
        }
        pids[n] = pid;
    }
    for (long i = 0; i < n; i++) raw(SYS_kill, pids[i], SIGKILL, 0, 0, 0, 0);
    long reaped = 0;
    int st;
    while (sys_wait4(-1, &st, 0) > 0) reaped++;
    printf("fork-check: bomb stopped after %ld forks by %s, %ld reaped\n", n,
           err == ENOMEM   ? "ENOMEM"
           : err == EAGAIN ? "EAGAIN"
                           : "something else",
           reaped);
    return (err == ENOMEM || err == EAGAIN) && reaped == n ? 0 : 1;
}

static int attack(const char* addr_text) {
    unsigned long addr = strtoul(addr_text, NULL, 0);
    long pid = sys_fork();
    if (pid == 0) {
        volatile unsigned char* p = (volatile unsigned char*)addr;
        unsigned char v = *p; /* another domain's memory: must fault */
        *p = (unsigned char)(v + 1);
        printf("fork-check: attack: NOT CONTAINED, read %d\n", v);
        fflush(stdout);
        child_exit(0);
    }
    int st = 0;
    sys_wait4(pid, &st, 0);
    printf("fork-check: attack: child killed by signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV ? 0 : 1;
}

/* N children that wait forever, then init ends: the domain ends and takes them along. */
static int leave(int n) {
    for (int i = 0; i < n; i++) {
        long pid = sys_fork();
        if (pid == 0) {
            memset(g_buf, 'x', sizeof g_buf); /* pages of its own to free */
            for (;;) raw(SYS_pause, 0, 0, 0, 0, 0, 0);
        }
        if (pid < 0) return 1;
    }
    printf("fork-check: leaving %d children behind\n", n);
    return 0;
}

/* A tree the domain's end must reap: n children holding pages of their own (and the grandchild
 * of each), then init dies of a fault, so the domain is killed, not ended by its init's exit. */
static int crash(int n) {
    for (int i = 0; i < n; i++) {
        long pid = sys_fork();
        if (pid == 0) {
            memset(g_buf, 'c', sizeof g_buf);
            if (sys_fork() == 0) memset(g_buf, 'g', sizeof g_buf);
            for (;;) raw(SYS_pause, 0, 0, 0, 0, 0, 0);
        }
        if (pid < 0) return 1;
    }
    printf("fork-check: %d children and their children up, crashing init\n", n);
    fflush(stdout);
    volatile uintptr_t bad = 16; /* through a variable: GCC rejects a constant null write */
    *(volatile int*)bad = 1;
    return 1;
}

/* Holds its image (and a secret) for an attacker next door, then ends. */
static int victim(void) {
    memset(g_buf, 's', sizeof g_buf);
    struct timespec ts = {1, 0};
    nanosleep(&ts, NULL);
    printf("fork-check: victim done\n");
    return 0;
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "--bomb") == 0) return bomb();
    if (argc > 2 && strcmp(argv[1], "--leave") == 0) return leave(atoi(argv[2]));
    if (argc > 2 && strcmp(argv[1], "--crash") == 0) return crash(atoi(argv[2]));
    if (argc > 1 && strcmp(argv[1], "--victim") == 0) return victim();
    if (argc > 2 && strcmp(argv[1], "--attack") == 0) return attack(argv[2]);
    exit_statuses();
    cow_isolation();
    nohang_waitid_ppid();
    orphans();
    groups();
    vfork_and_clone();
    printf("fork-check: %d checks, %d failed\n", checks, failed);
    return failed == 0 ? 0 : 1;
}
