// SYSCALL dispatch: table lookup, the once-per-number ENOSYS log line, and the choice between
// the sysret fast path and iretq.
#include "arch/x86/cpu.hpp"
#include "arch/x86/trap_frame.hpp"
#include "domain/domain.hpp"
#include "domain/signals.hpp"
#include "epoll/epoll_sys.hpp"
#include "eventfd/eventfd_sys.hpp"
#include "exec/execve.hpp"
#include "lib/panic.hpp"
#include "mm/layout.hpp"
#include "net/socket_sys.hpp"
#include "pipe/pipe_io.hpp"
#include "poll/poll_sys.hpp"
#include "process/fork.hpp"
#include "process/wait.hpp"
#include "sys/errno.hpp"
#include "signal/signals.hpp"
#include "sys/sys_file.hpp"
#include "sys/sys_procfs.hpp"
#include "sys/sys_signal.hpp"
#include "sys/syscall.hpp"
#include "sys/syscall_names.hpp"

namespace uk::sys {
namespace {

constexpr uint64_t kTableSize = 512;

struct Entry {
    uint64_t nr;
    Handler fn;
};

constexpr Entry kEntries[] = {
    {kRead, sys_read},
    {kWrite, sys_write},
    {kMmap, sys_mmap},
    {kMprotect, sys_mprotect},
    {kMunmap, sys_munmap},
    {kBrk, sys_brk},
    {kRtSigaction, sys_rt_sigaction},
    {kRtSigprocmask, sys_rt_sigprocmask},
    // Signals (sys_signal*.cpp, sys_itimer.cpp; the machinery in signal/).
    {kRtSigreturn, sys_rt_sigreturn},
    {kPause, sys_pause},
    {kGetitimer, sys_getitimer},
    {kAlarm, sys_alarm},
    {kSetitimer, sys_setitimer},
    {kKill, sys_kill},
    {kRtSigpending, sys_rt_sigpending},
    {kRtSigtimedwait, sys_rt_sigtimedwait},
    {kRtSigsuspend, sys_rt_sigsuspend},
    {kTkill, sys_tkill},
    {kRestartSyscall, sys_restart_syscall},
    {kTgkill, sys_tgkill},
    {kIoctl, sys_ioctl},
    {kWritev, sys_writev},
    {kMadvise, sys_madvise},
    {kGetpid, sys_getpid},
    {kExit, sys_exit},
    {kGettimeofday, sys_gettimeofday},
    {kGetuid, sys_getid_zero},
    {kGetgid, sys_getid_zero},
    {kGeteuid, sys_getid_zero},
    {kGetegid, sys_getid_zero},
    {kGetppid, sys_getppid},
    {kArchPrctl, sys_arch_prctl},
    {kGettid, sys_gettid},
    {kTime, sys_time},
    {kSetTidAddress, sys_set_tid_address},
    {kClockGettime, sys_clock_gettime},
    {kClockGetres, sys_clock_getres},
    {kExitGroup, sys_exit_group},
    {kClone, sys_clone},
    {kClone3, sys_clone3},
    {kSchedGetaffinity, sys_sched_getaffinity},
    {kSchedSetaffinity, sys_sched_setaffinity},
    {kSetRobustList, sys_set_robust_list},
    {kSchedYield, sys_sched_yield},
    {kNanosleep, sys_nanosleep},
    {kClockNanosleep, sys_clock_nanosleep},
    {kFutex, sys_futex},
    // Files and the misc Linux ABI (sys_file*.cpp, sys_misc*.cpp, sys_io.cpp).
    {kOpen, sys_open},
    {kClose, sys_close},
    {kStat, sys_stat},
    {kFstat, sys_fstat},
    {kLstat, sys_lstat},
    {kPoll, poll::sys_poll},
    {kLseek, sys_lseek},
    {kPread64, sys_pread64},
    {kPwrite64, sys_pwrite64},
    {kReadv, sys_readv},
    {kAccess, sys_access},
    {kDup, sys_dup},
    {kDup2, sys_dup2},
    {kSendfile, sys_sendfile},
    {kUname, sys_uname},
    {kFcntl, sys_fcntl},
    {kFsync, sys_fsync},
    {kFdatasync, sys_fsync},
    {kTruncate, sys_truncate},
    {kFtruncate, sys_ftruncate},
    {kGetcwd, sys_getcwd},
    {kChdir, sys_chdir},
    {kFchdir, sys_fchdir},
    {kMkdir, sys_mkdir},
    {kRmdir, sys_rmdir},
    {kCreat, sys_creat},
    {kUnlink, sys_unlink},
    {kReadlink, sys_readlink},
    {kUmask, sys_umask},
    {kGetrlimit, sys_getrlimit},
    {kSysinfo, sys_sysinfo},
    {kGetpgrp, process::sys_getpgrp},
    {kSetsid, process::sys_setsid},
    {kGetgroups, sys_getgroups},
    {kGetpgid, process::sys_getpgid},
    {kGetsid, process::sys_getsid},
    {kSigaltstack, sys_sigaltstack},
    {kPrctl, sys_prctl},
    {kSetrlimit, sys_setrlimit},
    {kGetdents64, sys_getdents64},
    {kOpenat, sys_openat},
    {kMkdirat, sys_mkdirat},
    {kNewfstatat, sys_newfstatat},
    {kUnlinkat, sys_unlinkat},
    {kReadlinkat, sys_readlinkat},
    {kUtimensat, sys_utimensat},
    {kFaccessat, sys_faccessat},
    {kPpoll, poll::sys_ppoll},
    {kDup3, sys_dup3},
    {kPrlimit64, sys_prlimit64},
    {kGetrandom, sys_getrandom},
    {kRseq, sys_rseq},
    {kFaccessat2, sys_faccessat2},
    // Modes, owners and resource usage (sys_owner.cpp, sys_rusage.cpp).
    {kChmod, sys_chmod},
    {kFchmod, sys_fchmod},
    {kFchmodat, sys_fchmodat},
    {kChown, sys_chown},
    {kFchown, sys_fchown},
    {kLchown, sys_lchown},
    {kFchownat, sys_fchownat},
    {kGetrusage, sys_getrusage},
    {kTimes, sys_times},
    // Pipes and waiting (pipe/, poll/, epoll/, eventfd/).
    {kPipe, pipe::sys_pipe},
    {kPipe2, pipe::sys_pipe2},
    {kSelect, poll::sys_select},
    {kPselect6, poll::sys_pselect6},
    {kEpollCreate, epoll::sys_epoll_create},
    {kEpollCreate1, epoll::sys_epoll_create1},
    {kEpollCtl, epoll::sys_epoll_ctl},
    {kEpollWait, epoll::sys_epoll_wait},
    {kEpollPwait, epoll::sys_epoll_pwait},
    {kEpollPwait2, epoll::sys_epoll_pwait2},
    {kEventfd, eventfd::sys_eventfd},
    {kEventfd2, eventfd::sys_eventfd2},
    {kTimerfdCreate, eventfd::sys_timerfd_create},
    {kTimerfdSettime, eventfd::sys_timerfd_settime},
    {kTimerfdGettime, eventfd::sys_timerfd_gettime},
    // Processes (exec/, process/).
    {kFork, process::sys_fork},
    {kVfork, process::sys_vfork},
    {kExecve, exec::sys_execve},
    {kExecveat, exec::sys_execveat},
    {kWait4, process::sys_wait4},
    {kWaitid, process::sys_waitid},
    {kSetpgid, process::sys_setpgid},
    // Sockets (net/): AF_INET/AF_INET6 forwarded to the host, AF_UNIX kept in the guest.
    {net::kSocket, net::sys_socket},
    {net::kConnect, net::sys_connect},
    {net::kAccept, net::sys_accept},
    {net::kSendto, net::sys_sendto},
    {net::kRecvfrom, net::sys_recvfrom},
    {net::kSendmsg, net::sys_sendmsg},
    {net::kRecvmsg, net::sys_recvmsg},
    {net::kShutdown, net::sys_shutdown},
    {net::kBind, net::sys_bind},
    {net::kListen, net::sys_listen},
    {net::kGetsockname, net::sys_getsockname},
    {net::kGetpeername, net::sys_getpeername},
    {net::kSocketpair, net::sys_socketpair},
    {net::kSetsockopt, net::sys_setsockopt},
    {net::kGetsockopt, net::sys_getsockopt},
    {net::kAccept4, net::sys_accept4},
};

struct Table {
    Handler fn[kTableSize];
};

constexpr Table make_table() {
    Table t{};
    for (const Entry& e : kEntries) t.fn[e.nr] = e.fn;
    return t;
}

constexpr Table kTable = make_table();

// One bit per syscall number already reported as unsupported (the last bit stands for every
// number beyond the table).
uint64_t g_reported[kTableSize / 64];

int64_t unsupported(uint64_t nr) {
    uint64_t bit = nr < kTableSize ? nr : kTableSize - 1;
    uint64_t mask = 1ull << (bit % 64);
    if (!(g_reported[bit / 64] & mask)) {
        g_reported[bit / 64] |= mask;
        FixedText<128> t;
        t.str("unsupported syscall ").udec(nr).str(" (").str(syscall_name(nr));
        t.str("), returning ENOSYS");
        klog(t);
    }
    return -kENOSYS;
}

}  // namespace

namespace {
uint64_t g_syscalls = 0;
}  // namespace

uint64_t syscall_count() {
    return g_syscalls;
}

Handler lookup(uint64_t nr) {
    return nr < kTableSize ? kTable.fn[nr] : nullptr;
}

}  // namespace uk::sys

// Called from syscall_entry.S.  Returns 0 to resume with sysretq, nonzero for iretq.
extern "C" int uk_syscall_dispatch(uk::x86::TrapFrame* f) {
    using namespace uk::sys;
    uk::domain::on_kernel_entry();
    uk::task::current().frame = f;
    g_syscalls++;
    uk::sys::Args a{f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9};
    uint64_t nr = f->rax;
    Handler fn = lookup(nr);
    f->rax = uint64_t(fn != nullptr ? fn(a) : unsupported(nr));
    // Signals: restart or -EINTR, default actions, handler frames; rt_sigreturn's full restore.
    bool rewritten = uk::signal::on_return_to_user(*f, int64_t(nr));
    // SYSRET to a non-canonical rip takes a #GP at CPL0 with the app's RSP loaded on Intel (and
    // IRETQ faults at CPL0 too), so no such frame is ever resumed: the domain dies with SIGSEGV
    // here, as Linux would deliver it.  Never true today (rip is where SYSCALL came from, and the
    // top page below 2^47 is never mapped, so even a SYSCALL in the last bytes cannot produce
    // one), but signal delivery will rewrite frames (docs/threat-model.md "Entry and exit").
    if (!uk::x86::is_canonical(f->rip) || f->rip >= uk::mm::kUserEnd) {
        uk::domain::Kill k{};
        k.signal = uk::domain::kSigSegv;
        k.vector = 13;
        k.rip = f->rip;
        k.message = "return to a non-canonical address";
        uk::domain::kill(uk::domain::current(), k);
    }
    return rewritten ? 1 : 0;
}
