// The Linux x86-64 syscall layer: arguments as the ABI passes them, one handler per syscall,
// negative errno on failure.  The supported list and its deviations are in docs/syscalls.md.
#pragma once

#include <stdint.h>

namespace uk::sys {

struct Args {
    uint64_t a0, a1, a2, a3, a4, a5;  // rdi, rsi, rdx, r10, r8, r9
};

using Handler = int64_t (*)(const Args&);

// Linux x86-64 syscall numbers the kernel implements.
enum Nr : uint64_t {
    kRead = 0,
    kWrite = 1,
    kMmap = 9,
    kMprotect = 10,
    kMunmap = 11,
    kBrk = 12,
    kRtSigaction = 13,
    kRtSigprocmask = 14,
    kIoctl = 16,
    kWritev = 20,
    kSchedYield = 24,
    kMadvise = 28,
    kNanosleep = 35,
    kGetpid = 39,
    kExit = 60,
    kGettimeofday = 96,
    kGetuid = 102,
    kGetgid = 104,
    kGeteuid = 107,
    kGetegid = 108,
    kGetppid = 110,
    kArchPrctl = 158,
    kGettid = 186,
    kTime = 201,
    kFutex = 202,
    kSetTidAddress = 218,
    kClockGettime = 228,
    kClockGetres = 229,
    kClockNanosleep = 230,
    kExitGroup = 231,
    kSetRobustList = 273,
    // Threads (sys_thread.cpp).
    kClone = 56,
    kSchedSetaffinity = 203,
    kSchedGetaffinity = 204,
    kClone3 = 435,
    // Pipes and waiting (pipe/, poll/, epoll/, eventfd/).
    kPipe = 22,
    kSelect = 23,
    kEpollCreate = 213,
    kEpollWait = 232,
    kEpollCtl = 233,
    kPselect6 = 270,
    kEpollPwait = 281,
    kTimerfdCreate = 283,
    kEventfd = 284,
    kTimerfdSettime = 286,
    kTimerfdGettime = 287,
    kEventfd2 = 290,
    kEpollCreate1 = 291,
    kPipe2 = 293,
    kEpollPwait2 = 441,
    // Processes (exec/, process/).
    kFork = 57,
    kVfork = 58,
    kExecve = 59,
    kWait4 = 61,
    kSetpgid = 109,
    kWaitid = 247,
    kExecveat = 322,
};

// Handlers, grouped by file (sys_io.cpp, sys_memory.cpp, sys_process.cpp, sys_time.cpp,
// sys_signal.cpp).
int64_t sys_read(const Args&);
int64_t sys_write(const Args&);
int64_t sys_writev(const Args&);
int64_t sys_ioctl(const Args&);

int64_t sys_brk(const Args&);
int64_t sys_mmap(const Args&);
int64_t sys_munmap(const Args&);
int64_t sys_mprotect(const Args&);
int64_t sys_madvise(const Args&);

int64_t sys_exit(const Args&);
int64_t sys_exit_group(const Args&);
int64_t sys_clone(const Args&);
int64_t sys_clone3(const Args&);
int64_t sys_gettid(const Args&);
int64_t sys_sched_getaffinity(const Args&);
int64_t sys_sched_setaffinity(const Args&);
int64_t sys_arch_prctl(const Args&);
int64_t sys_set_tid_address(const Args&);
int64_t sys_getpid(const Args&);
int64_t sys_getppid(const Args&);
int64_t sys_getid_zero(const Args&);
int64_t sys_set_robust_list(const Args&);

int64_t sys_clock_gettime(const Args&);
int64_t sys_clock_getres(const Args&);
int64_t sys_gettimeofday(const Args&);
int64_t sys_time(const Args&);

int64_t sys_sched_yield(const Args&);
int64_t sys_nanosleep(const Args&);
int64_t sys_clock_nanosleep(const Args&);
int64_t sys_futex(const Args&);

int64_t sys_rt_sigaction(const Args&);
int64_t sys_rt_sigprocmask(const Args&);

// The handler for nr, or nullptr when unsupported.
Handler lookup(uint64_t nr);
// Syscalls served since boot (all domains): with --stats the guest logs it at the end, which shows
// what the vDSO saves (tests/integration/vdso_test.cpp).
uint64_t syscall_count();

}  // namespace uk::sys
