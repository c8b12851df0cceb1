// What a blocking syscall returns when a signal interrupts it (sched::WaitResult::interrupted),
// Linux's internal restart codes.  They never reach the app: signal::on_return_to_user turns
// them into -EINTR or a restart of the call.
//   kERestartSys           -EINTR when a handler without SA_RESTART runs, else restarted
//                          (read/write of pipes, wait4, futex without timeout, ...)
//   kERestartNoIntr        always restarted
//   kERestartNoHand        -EINTR when a handler runs, else restarted (pause, sigsuspend,
//                          poll, absolute sleeps)
//   kERestartRestartBlock  as NoHand, restarted through restart_syscall (relative sleeps)
#pragma once

#include <stdint.h>

#include "sys/errno.hpp"

namespace uk::signal {

constexpr int64_t kERestartSys = 512;
constexpr int64_t kERestartNoIntr = 513;
constexpr int64_t kERestartNoHand = 514;
constexpr int64_t kERestartRestartBlock = 516;

constexpr int64_t kNrRtSigreturn = 15;
constexpr int64_t kNrRestartSyscall = 219;

}  // namespace uk::signal
