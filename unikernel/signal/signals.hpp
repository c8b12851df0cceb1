// Signals of the domain's processes and threads (docs/guest.md "Signals"): raising, delivery on
// every return to user, faults to handlers, ITIMER_REAL.  The syscalls are in sys/sys_signal*.cpp.
#pragma once

#include <stdint.h>

#include "arch/x86/trap_frame.hpp"
#include "domain/domain.hpp"
#include "process/process.hpp"
#include "signal/state.hpp"
#include "task/task.hpp"

namespace uk::signal {

// Where the state lives: the process's in process::Process, the thread's in task::Task.
inline ProcessSignals& process_of(process::Process& p) {
    return p.sig;
}
inline ProcessSignals& process_of(task::Task& t) {
    return t.proc->sig;
}
inline ThreadSignals& thread_of(task::Task& t) {
    return t.sig;
}
// The init of the domain's pid namespace (pid 1, no parent): SIGNAL_UNKILLABLE.
inline bool is_init(const process::Process& p) {
    return p.parent == nullptr;
}

// Who sends: the init of a pid namespace ignores signals whose action is SIG_DFL unless they
// come from outside it (the host) and are SIGKILL or SIGSTOP, as Linux's SIGNAL_UNKILLABLE.
enum class Sender : uint8_t { domain, kernel, host };

// Queues sig for the process (kill, SIGALRM, SIGCHLD) or one thread (tgkill, tkill, SIGPIPE,
// faults) and wakes the thread that will take it when it is blocked in an interruptible wait.
// A signal whose action is to ignore it (and that is not blocked) is dropped at once, as Linux.
void raise_process(process::Process& p, uint32_t sig, const Info& info, Sender from);
void raise_thread(task::Task& t, uint32_t sig, const Info& info, Sender from);

// Hooks for the other subsystems.  SIGCHLD to the parent when a child exits or is killed
// (code kCldExited with the exit status, kCldKilled/kCldDumped with the signal).
void raise_sigchld(process::Process& parent, uint32_t child_pid, int32_t code, int32_t status);
// SIGPIPE to the calling thread: a write to a pipe with no reader (the write returns -EPIPE).
void raise_sigpipe(task::Task& t);

// Signals pending for t (its own and its process's) that its mask lets through.
uint64_t deliverable(task::Task& t);
// Takes one pending signal among `among` off t's sets (thread first), synchronous ones and then
// the lowest first; 0 when none.
uint32_t dequeue(task::Task& t, uint64_t among, Info* info);

// A fault in user mode: true when sig was queued for a handler the app installed (and does not
// block), to run when the trap returns; false when the domain must die of it (the caller kills).
bool queue_fault(task::Task& t, uint32_t sig, int32_t code, uint64_t addr, uint16_t trapno,
                 uint32_t error_code);
// What a new process or thread inherits (Linux's copy_sighand/copy_signal, exec's
// flush_signal_handlers).  fork: the actions, the mask and the alternate stack; nothing pending,
// no timer.  A thread (CLONE_THREAD): the mask only.  execve: handlers back to SIG_DFL (ignored
// signals stay ignored), no alternate stack; the mask and pending signals stay.
inline void on_fork(const process::Process& parent, process::Process& child) {
    for (uint32_t i = 0; i < kNsig; i++) child.sig.action[i] = parent.sig.action[i];
}
inline void on_new_task(const task::Task& parent, task::Task& child, bool same_process) {
    child.sig = ThreadSignals{};
    child.sig.blocked = parent.sig.blocked;
    if (!same_process) {
        child.sig.alt_sp = parent.sig.alt_sp;
        child.sig.alt_size = parent.sig.alt_size;
        child.sig.alt_flags = parent.sig.alt_flags;
    }
}
inline void on_exec(process::Process& p, task::Task& t) {
    for (Action& a : p.sig.action) {
        if (a.handler != kSigIgn) a = Action{};
    }
    t.sig.alt_sp = t.sig.alt_size = 0;
    t.sig.alt_flags = 0;
}
// The exit of a process: its ITIMER_REAL stops (nothing else of it outlives it).
inline void on_process_exit(process::Process& p) {
    p.sig.real = RealTimer{};
}

// Every return to user mode (syscall, trap, interrupt) with the frame about to be resumed.
// syscall_nr is the syscall's number (-1 for traps): its restart is decided here.  Builds the
// handler frames of the signals to deliver, runs the default actions (a terminating one kills the
// domain and does not return).  True when the frame was rewritten (resume it with IRETQ).
bool on_return_to_user(x86::TrapFrame& f, int64_t syscall_nr);

// rt_sigreturn: restores the frame from the rt_sigframe at the app's rsp, or kills the domain
// (SIGSEGV) for a frame it must not resume.  Returns the restored rax.
uint64_t sigreturn(task::Task& t, x86::TrapFrame& f);

// ITIMER_REAL of every domain (signal/itimer.cpp), driven by the scheduler's clock checks.
bool timers_armed();
uint64_t next_timer_deadline();  // ~0 when none
void fire_timers(uint64_t now_ns);

}  // namespace uk::signal
