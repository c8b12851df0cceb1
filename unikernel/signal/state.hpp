// The signal state a domain keeps: per process (actions, process-wide pending set, ITIMER_REAL)
// and per thread (mask, thread-directed pending set, sigaltstack, sigsuspend's saved mask, the
// restart block).  Plain structs, zero meaning "initial state", so they can be embedded wherever
// processes and tasks live (domain/domain.hpp today); signal/signals.hpp says how to reach them.
#pragma once

#include <stdint.h>

#include "signal/sigset.hpp"

namespace uk::signal {

// Linux's struct sigaction as the syscall sees it (kernel_sigaction): rt_sigaction copies it.
struct Action {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

// What siginfo will carry for one pending signal.  Standard signals do not queue: a second raise
// of a pending signal keeps the first one's info, as Linux does (real-time signals are not
// queued either: a documented deviation).
struct Info {
    uint64_t addr;    // faults: si_addr; sigqueue/timers: si_value
    int32_t code;     // si_code
    uint32_t pid;     // sender (SIGCHLD: the child)
    int32_t status;   // SIGCHLD: si_status; faults: the CPU error code (sigcontext err)
    uint16_t trapno;  // faults: the vector (sigcontext trapno)
    uint8_t signo;    // thread slots: which signal this slot holds (0 = free)
    bool fault;       // raised by a CPU exception: siginfo carries si_addr
};

// ITIMER_REAL (alarm, setitimer): SIGALRM to the process at deadline_ns (monotonic), then every
// interval_ns when non-zero.  deadline_ns 0 = disarmed.
struct RealTimer {
    uint64_t deadline_ns;
    uint64_t interval_ns;
};

struct ProcessSignals {
    Action action[kNsig];  // zero: SIG_DFL, no flags
    uint64_t pending;      // kill() and other process-directed signals
    Info info[kNsig];      // info of each process-pending signal
    RealTimer real;
};

constexpr uint32_t kThreadInfoSlots = 8;

// The restart block of an interrupted relative sleep (Linux's restart_syscall): the deadline it
// had, and where its remaining time goes.
struct RestartBlock {
    uint64_t deadline_ns;
    uint64_t rem;  // user address of the timespec or 0
    bool armed;
};

struct ThreadSignals {
    uint64_t blocked;
    uint64_t pending;             // tgkill, tkill, faults, SIGPIPE
    Info info[kThreadInfoSlots];  // their info (few are ever pending at once)
    uint64_t alt_sp, alt_size;    // sigaltstack; size 0 = disabled (SS_DISABLE)
    uint32_t alt_flags;           // SS_AUTODISARM
    uint64_t saved_mask;          // rt_sigsuspend's caller mask, back after the handler
    bool restore_mask;            // saved_mask is live
    RestartBlock restart;
};

// Whether sp lies on the thread's alternate signal stack (x86 stacks grow down).
inline bool on_altstack(const ThreadSignals& ts, uint64_t sp) {
    return ts.alt_size != 0 && sp > ts.alt_sp && sp - ts.alt_sp <= ts.alt_size;
}

}  // namespace uk::signal
