// The signal syscalls (sys_signal*.cpp, sys_itimer.cpp) and their numbers; the machinery is in
// unikernel/signal/.
#pragma once

#include <stdint.h>

#include "sys/syscall.hpp"

namespace uk::sys {

enum SignalNr : uint64_t {
    kRtSigreturn = 15,
    kPause = 34,
    kGetitimer = 36,
    kAlarm = 37,
    kSetitimer = 38,
    kKill = 62,
    kRtSigpending = 127,
    kRtSigtimedwait = 128,
    kRtSigsuspend = 130,
    kTkill = 200,
    kRestartSyscall = 219,
    kTgkill = 234,
};

int64_t sys_rt_sigreturn(const Args&);
int64_t sys_rt_sigpending(const Args&);
int64_t sys_sigaltstack(const Args&);
int64_t sys_rt_sigsuspend(const Args&);
int64_t sys_pause(const Args&);
int64_t sys_rt_sigtimedwait(const Args&);
int64_t sys_restart_syscall(const Args&);
int64_t sys_kill(const Args&);
int64_t sys_tkill(const Args&);
int64_t sys_tgkill(const Args&);
int64_t sys_alarm(const Args&);
int64_t sys_setitimer(const Args&);
int64_t sys_getitimer(const Args&);

// A relative sleep (nanosleep, clock_nanosleep) to deadline_ns that a signal may interrupt:
// 0 when it ran to its end, else the time left goes to rem (a user timespec, 0 for none) and
// the call ends with -ERESTART_RESTARTBLOCK (-EINTR for a handler, else restart_syscall).
int64_t interruptible_sleep(uint64_t deadline_ns, uint64_t rem);
// An absolute sleep: 0, or -ERESTARTNOHAND when a signal interrupts it.
int64_t interruptible_sleep_abs(uint64_t deadline_ns);

}  // namespace uk::sys
