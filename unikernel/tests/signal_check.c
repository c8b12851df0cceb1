/* Signals delivered for real (docs/guest.md "Signals"), checked from inside a domain.  Built twice,
 * with musl (signal-check) and with static glibc (signal-check-glibc), since each libc has its
 * own sigaction restorer, sigsetjmp and ucontext layout view.
 *   all            every check below that the app survives; prints "signal-check: N checks ok"
 *   hostile-cs     a handler rewrites its frame's CS to the kernel's: rt_sigreturn kills it
 *   hostile-iopl   ... sets IOPL 3 in the frame's RFLAGS
 *   hostile-rip    ... sets a non-canonical rip
 *   wait-term [N]  catches SIGTERM, waits for it (pause), prints its sender and exits N (0):
 *                  the host's signal to a hot-added domain's init (ER_POLL_SIGNAL, docker stop)
 * The hostile modes must die with SIGSEGV and an "rt_sigreturn: ..." message, alone. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "er_check.h"

static volatile sig_atomic_t hits;
static volatile int last_sig, last_code, last_pid;
static volatile uintptr_t last_addr;
static sigjmp_buf jump;

static void on_info(int sig, siginfo_t* si, void* uc) {
    hits++;
    last_sig = sig;
    last_code = si->si_code;
    last_pid = si->si_pid;
    last_addr = (uintptr_t)si->si_addr;
    (void)uc;
    /* Clobber what the interrupted code holds: rt_sigreturn must bring it back. */
    __asm__ volatile("pxor %%xmm7, %%xmm7\n\tmov $0, %%r8\n\tmov $0, %%r9\n\tmov $0, %%r10" ::
                         : "xmm7", "r8", "r9", "r10");
    unsigned mx = 0x7f80; /* round toward zero, all exceptions masked */
    __asm__ volatile("ldmxcsr %0" ::"m"(mx));
}

static void on_plain(int sig) {
    hits++;
    last_sig = sig;
}

static void on_jump(int sig, siginfo_t* si, void* uc) {
    (void)uc;
    last_sig = sig;
    last_code = si->si_code;
    last_addr = (uintptr_t)si->si_addr;
    siglongjmp(jump, 1);
}

static void set_action(int sig, void* fn, int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    if (flags & SA_SIGINFO)
        sa.sa_sigaction = (void (*)(int, siginfo_t*, void*))fn;
    else
        sa.sa_handler = (void (*)(int))fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    CHECK("sigaction", sigaction(sig, &sa, 0) == 0);
}

static void arm_timer_ms(long ms) {
    struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    CHECK("setitimer", setitimer(ITIMER_REAL, &it, 0) == 0);
}

/* SA_SIGINFO: the handler sees its info; sigreturn restores general, vector and MXCSR state. */
static void check_siginfo(void) {
    set_action(SIGUSR1, on_info, SA_SIGINFO);
    hits = 0;
    unsigned long pattern = 0x1122334455667788ul, x7 = 0, r8v, r9v, r10v;
    unsigned mx_before, mx_after;
    __asm__ volatile("stmxcsr %0" : "=m"(mx_before));
    long self = getpid();
    register long r8 __asm__("r8") = 0x808;
    register long r9 __asm__("r9") = 0x909;
    register long r10 __asm__("r10") = 0xa0a;
    long ret;
    /* kill(getpid(), SIGUSR1) by hand: the signal arrives on this very syscall's return. */
    __asm__ volatile("movq %[p], %%xmm7\n\tsyscall\n\tmovq %%xmm7, %[x]"
                     : "=a"(ret), [x] "=r"(x7), "+r"(r8), "+r"(r9), "+r"(r10)
                     : "a"(SYS_kill), "D"(self), "S"(SIGUSR1), [p] "r"(pattern)
                     : "rcx", "r11", "xmm7", "memory");
    r8v = r8, r9v = r9, r10v = r10;
    __asm__ volatile("stmxcsr %0" : "=m"(mx_after));
    CHECK_EQ("kill returns 0", ret, 0);
    CHECK_EQ("handler ran once", hits, 1);
    CHECK_EQ("si_signo", last_sig, SIGUSR1);
    CHECK_EQ("si_code SI_USER", last_code, SI_USER);
    CHECK_EQ("si_pid", last_pid, getpid());
    CHECK("xmm7 restored", x7 == pattern);
    CHECK_EQ("r8 restored", r8v, 0x808);
    CHECK_EQ("r9 restored", r9v, 0x909);
    CHECK_EQ("r10 restored", r10v, 0xa0a);
    CHECK_EQ("mxcsr restored", mx_after, mx_before);
}

/* A blocked signal waits in the pending set and is delivered when unblocked. */
static void check_mask(void) {
    set_action(SIGUSR2, on_plain, 0);
    hits = 0;
    sigset_t set, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    CHECK("block", sigprocmask(SIG_BLOCK, &set, 0) == 0);
    CHECK("raise", raise(SIGUSR2) == 0);
    CHECK_EQ("blocked: not delivered", hits, 0);
    CHECK("sigpending", sigpending(&pend) == 0 && sigismember(&pend, SIGUSR2));
    CHECK("unblock", sigprocmask(SIG_UNBLOCK, &set, 0) == 0);
    CHECK_EQ("delivered once unblocked", hits, 1);
    CHECK("no longer pending", sigpending(&pend) == 0 && !sigismember(&pend, SIGUSR2));
}

/* rt_sigtimedwait takes a blocked pending signal, or times out with EAGAIN. */
static void check_sigtimedwait(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, 0);
    raw(SYS_tgkill, getpid(), raw(SYS_gettid, 0, 0, 0, 0, 0, 0), SIGUSR2, 0, 0, 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    struct timespec zero = {0, 0}, short_wait = {0, 20 * 1000 * 1000};
    CHECK_EQ("sigtimedwait takes it", sigtimedwait(&set, &si, &zero), SIGUSR2);
    /* glibc's wrapper reports SI_TKILL as SI_USER. */
    CHECK("its si_code", si.si_code == SI_TKILL || si.si_code == SI_USER);
    CHECK_EQ("its si_pid", si.si_pid, getpid());
    errno = 0;
    CHECK_EQ("nothing pending: times out", sigtimedwait(&set, &si, &short_wait), -1);
    CHECK_EQ("EAGAIN", errno, EAGAIN);
    sigprocmask(SIG_UNBLOCK, &set, 0);
}

/* SIGSEGV, SIGFPE, SIGILL and SIGTRAP reach a handler with si_code and si_addr; the handler
 * leaves with siglongjmp, and sigsetjmp's saved mask comes back. */
static void check_faults(void) {
    set_action(SIGSEGV, on_jump, SA_SIGINFO);
    set_action(SIGFPE, on_jump, SA_SIGINFO);
    set_action(SIGILL, on_jump, SA_SIGINFO);
    set_action(SIGTRAP, on_jump, SA_SIGINFO);
    volatile uintptr_t low = 0x18; /* volatile: GCC may not see through it and warn */
    if (sigsetjmp(jump, 1) == 0) *(volatile int*)low = 1;
    CHECK_EQ("unmapped write: SIGSEGV", last_sig, SIGSEGV);
    CHECK_EQ("SEGV_MAPERR", last_code, SEGV_MAPERR);
    CHECK_EQ("si_addr", last_addr, 0x18);
    volatile char* ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(jump, 1) == 0) ro[8] = 1;
    CHECK_EQ("read-only write: SEGV_ACCERR", last_code, SEGV_ACCERR);
    CHECK("its si_addr", last_addr == (uintptr_t)ro + 8);
    sigset_t now;
    sigprocmask(SIG_BLOCK, 0, &now);
    CHECK("siglongjmp restored the mask", !sigismember(&now, SIGSEGV));
    volatile int zero = 0, hundred = 100;
    if (sigsetjmp(jump, 1) == 0) last_sig = hundred / zero;
    CHECK_EQ("divide by zero: SIGFPE", last_sig, SIGFPE);
    CHECK_EQ("FPE_INTDIV", last_code, FPE_INTDIV);
    if (sigsetjmp(jump, 1) == 0) __asm__ volatile("ud2");
    CHECK_EQ("ud2: SIGILL", last_sig, SIGILL);
    CHECK_EQ("ILL_ILLOPN", last_code, ILL_ILLOPN);
    if (sigsetjmp(jump, 1) == 0) __asm__ volatile("int3");
    CHECK_EQ("int3: SIGTRAP", last_sig, SIGTRAP);
    signal(SIGSEGV, SIG_DFL);
}

/* A stack overflow's SIGSEGV runs on the alternate stack. */
static char alt[64 * 1024];
static volatile uintptr_t handler_sp;
static volatile int alt_flags;
static void on_overflow(int sig) {
    int here;
    stack_t now;
    handler_sp = (uintptr_t)&here;
    sigaltstack(0, &now);
    alt_flags = now.ss_flags;
    last_sig = sig;
    siglongjmp(jump, 1);
}
static volatile long forever = 1L << 40;
static int recurse(volatile char* prev, long depth) {
    volatile char pad[4096];
    pad[0] = prev ? prev[0] + 1 : 0;
    if (depth >= forever) return pad[0];
    return recurse(pad, depth + 1) + pad[100];
}
static void check_altstack(void) {
    stack_t ss = {.ss_sp = alt, .ss_flags = 0, .ss_size = sizeof alt}, old;
    CHECK("sigaltstack", sigaltstack(&ss, &old) == 0);
    CHECK_EQ("none before: SS_DISABLE", old.ss_flags, SS_DISABLE);
    set_action(SIGSEGV, on_overflow, SA_ONSTACK);
    last_sig = 0;
    if (sigsetjmp(jump, 1) == 0) recurse(0, 0);
    CHECK_EQ("overflow: SIGSEGV", last_sig, SIGSEGV);
    CHECK("handler ran on the alternate stack",
          handler_sp > (uintptr_t)alt && handler_sp < (uintptr_t)alt + sizeof alt);
    CHECK_EQ("SS_ONSTACK inside", alt_flags, SS_ONSTACK);
    sigaltstack(0, &old);
    CHECK_EQ("off it again", old.ss_flags, 0);
    signal(SIGSEGV, SIG_DFL);
}

/* SIGALRM from setitimer ends nanosleep and pause with EINTR; alarm() reports what is left. */
static void check_alarm(void) {
    set_action(SIGALRM, on_plain, 0);
    hits = 0;
    arm_timer_ms(30);
    struct timespec req = {5, 0}, rem = {0, 0};
    errno = 0;
    CHECK_EQ("nanosleep interrupted", nanosleep(&req, &rem), -1);
    CHECK_EQ("EINTR", errno, EINTR);
    CHECK_EQ("SIGALRM handled", hits, 1);
    CHECK("rem holds the rest", rem.tv_sec >= 3 && rem.tv_sec <= 5);
    arm_timer_ms(30);
    errno = 0;
    CHECK_EQ("pause returns", pause(), -1);
    CHECK_EQ("pause EINTR", errno, EINTR);
    CHECK_EQ("second SIGALRM", hits, 2);
    CHECK_EQ("alarm(100): none before", alarm(100), 0);
    CHECK_EQ("alarm(0): 100 s left", alarm(0), 100);
    struct itimerval it;
    CHECK("getitimer",
          getitimer(ITIMER_REAL, &it) == 0 && it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0);
    /* sigsuspend: a blocked SIGALRM arrives inside, the old mask is back after. */
    sigset_t block, empty, now;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, 0);
    arm_timer_ms(20);
    errno = 0;
    CHECK_EQ("sigsuspend returns", sigsuspend(&empty), -1);
    CHECK_EQ("sigsuspend EINTR", errno, EINTR);
    CHECK_EQ("third SIGALRM", hits, 3);
    sigprocmask(SIG_BLOCK, 0, &now);
    CHECK("mask back after sigsuspend", sigismember(&now, SIGALRM));
    sigprocmask(SIG_UNBLOCK, &block, 0);
}

/* SA_RESTART: a pipe read interrupted by a handler restarts (and gets what the handler wrote);
 * without it, the read fails with EINTR. */
static int pipe_fds[2];
static void on_alarm_write(int sig) {
    (void)sig;
    hits++;
    if (write(pipe_fds[1], "x", 1) != 1) hits += 100;
}
static void check_restart(void) {
    if (pipe(pipe_fds) != 0) {
        CHECK("pipe (skipped: no pipes)", 0);
        return;
    }
    char c = 0;
    set_action(SIGALRM, on_alarm_write, SA_RESTART);
    hits = 0;
    arm_timer_ms(20);
    CHECK_EQ("SA_RESTART: read restarted", read(pipe_fds[0], &c, 1), 1);
    CHECK_EQ("and got the handler's byte", c, 'x');
    CHECK_EQ("one SIGALRM", hits, 1);
    set_action(SIGALRM, on_alarm_write, 0);
    arm_timer_ms(20);
    errno = 0;
    CHECK_EQ("no SA_RESTART: read fails", read(pipe_fds[0], &c, 1), -1);
    CHECK_EQ("with EINTR", errno, EINTR);
    CHECK_EQ("the byte is still there", read(pipe_fds[0], &c, 1), 1);
    /* SIGPIPE: a write with no reader left. */
    set_action(SIGPIPE, on_plain, 0);
    hits = 0;
    close(pipe_fds[0]);
    errno = 0;
    CHECK_EQ("write to a pipe without reader", write(pipe_fds[1], "y", 1), -1);
    CHECK_EQ("EPIPE", errno, EPIPE);
    CHECK_EQ("SIGPIPE", last_sig, SIGPIPE);
    close(pipe_fds[1]);
}

/* SA_RESETHAND and SA_NODEFER; kill within the domain; init ignores what it does not handle. */
static volatile int in_handler_blocked;
static void on_probe(int sig) {
    sigset_t now;
    sigprocmask(SIG_BLOCK, 0, &now);
    in_handler_blocked = sigismember(&now, sig);
    hits++;
}
static void check_flags_and_kill(void) {
    struct sigaction sa;
    set_action(SIGUSR1, on_probe, SA_RESETHAND | SA_NODEFER);
    hits = 0;
    raise(SIGUSR1);
    CHECK_EQ("handler ran", hits, 1);
    CHECK_EQ("SA_NODEFER: not blocked inside", in_handler_blocked, 0);
    sigaction(SIGUSR1, 0, &sa);
    CHECK("SA_RESETHAND: back to SIG_DFL", sa.sa_handler == SIG_DFL);
    set_action(SIGUSR1, on_probe, 0);
    raise(SIGUSR1);
    CHECK_EQ("without SA_NODEFER: blocked inside", in_handler_blocked, 1);
    CHECK_EQ("kill(self, 0)", kill(getpid(), 0), 0);
    CHECK_EQ("bad signal", raw(SYS_kill, getpid(), 65, 0, 0, 0, 0), -EINVAL);
    if (getpid() != 1) return; /* run natively (not as an init): the rest is the domain's */
    /* The domain's init ignores a signal it has no handler for (a container's pid 1). */
    signal(SIGTERM, SIG_DFL);
    CHECK_EQ("kill(self, SIGTERM) with SIG_DFL: init ignores it", kill(getpid(), SIGTERM), 0);
    CHECK_EQ("tgkill(self, self, 0)",
             raw(SYS_tgkill, getpid(), raw(SYS_gettid, 0, 0, 0, 0, 0, 0), 0, 0, 0, 0), 0);
    /* Other domains' processes do not exist here. */
    CHECK_EQ("kill(2, 0): no such process", raw(SYS_kill, 2, 0, 0, 0, 0, 0), -ESRCH);
    CHECK_EQ("tkill(2, 0)", raw(SYS_tkill, 2, 0, 0, 0, 0, 0), -ESRCH);
    CHECK_EQ("kill(-1, SIGUSR1): nothing but init", raw(SYS_kill, -1, SIGUSR1, 0, 0, 0, 0), -ESRCH);
}

/* Hostile: the handler rewrites its own frame, then returns through rt_sigreturn. */
static const char* hostile_mode;
static void on_hostile(int sig, siginfo_t* si, void* ucv) {
    (void)sig, (void)si;
    ucontext_t* uc = ucv;
    greg_t* g = uc->uc_mcontext.gregs;
    if (!strcmp(hostile_mode, "hostile-cs"))
        g[REG_CSGSFS] = (g[REG_CSGSFS] & ~0xffffL) | 0x08; /* the kernel's code segment */
    else if (!strcmp(hostile_mode, "hostile-iopl"))
        g[REG_EFL] |= 0x3000; /* IOPL 3: in/out would reach the hypervisor */
    else
        g[REG_RIP] = (greg_t)0x800000000000ul; /* non-canonical */
}

static volatile int term_pid = -1, term_code;
static void on_term(int sig, siginfo_t* si, void* uc) {
    (void)sig, (void)uc;
    term_pid = si->si_pid;
    term_code = si->si_code;
}

int main(int argc, char** argv) {
    const char* m = argc > 1 ? argv[1] : "all";
    if (!strcmp(m, "wait-term")) {
        set_action(SIGTERM, on_term, SA_SIGINFO);
        while (term_pid < 0) pause();
        printf("signal-check: SIGTERM from pid %d code %d\n", term_pid, term_code);
        return argc > 2 ? atoi(argv[2]) : 0;
    }
    if (!strncmp(m, "hostile-", 8)) {
        hostile_mode = m;
        set_action(SIGUSR1, on_hostile, SA_SIGINFO);
        raise(SIGUSR1);
        printf("signal-check: %s survived rt_sigreturn\n", m);
        return 1;
    }
    check_siginfo();
    check_mask();
    check_sigtimedwait();
    check_faults();
    check_altstack();
    check_alarm();
    check_restart();
    check_flags_and_kill();
    if (failed) {
        printf("signal-check: %d of %d checks failed\n", failed, checks);
        return 1;
    }
    printf("signal-check: %d checks ok\n", checks);
    return 0;
}
