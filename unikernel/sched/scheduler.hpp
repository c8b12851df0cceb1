// Preemptive round robin on one vCPU (docs/guest.md "Scheduling"): over the domains first, then
// over each domain's runnable tasks, so a domain's share of the CPU does not grow with its thread
// count.  The LAPIC timer preempts code at CPL3 only: the kernel runs with interrupts off and
// switches tasks only at the points below, each on the current task's own kernel stack.
#pragma once

#include <stdint.h>

#include "domain/domain.hpp"
#include "task/task.hpp"

namespace uk::sched {

// Queues a created domain's first task (state runnable).
void add(domain::Domain& d);
// Queues a new task (clone) of a live domain.
void add_task(task::Task& t);

// Switches from the boot stack to the first runnable task.  Never returns.
[[noreturn]] void start();

// The timer interrupt (already acknowledged): wakes sleepers whose time has come and, when it
// interrupted an app and another task is runnable, moves on to it.
void on_tick(bool from_user);

// sched_yield: the current task goes to the back of its domain's queue, its domain to the back
// of the domains'.
void yield();

// Sleeps the current task until the monotonic clock reaches deadline_ns.  True when a signal
// ended it early (signal/: the caller returns -EINTR or a restart code, signal/restart.hpp).
bool sleep_until(uint64_t deadline_ns);

// FUTEX_WAIT after the value check: sleeps the current task on `key` for `bitset` until a wake
// (sched/futex.hpp) or, when has_deadline, deadline_ns.  True when woken, false on timeout.
bool futex_wait(const task::FutexKey& key, uint32_t bitset, bool has_deadline,
                uint64_t deadline_ns);
// Makes a sleeping task runnable (a futex wake found it).
void wake(task::Task& t);

// Generic blocking (pipes, poll, epoll, eventfd, timerfd, wait4 ...): the running task sleeps
// on `channel` (any address naming what it waits for) until wake_channel(channel) or, when
// has_deadline, the monotonic clock reaches deadline_ns.  Callers re-check their condition after
// it returns (a wake is a hint, not a promise) and loop.  `interrupted`: a signal the task does
// not block is pending (checked before sleeping too): the caller ends its syscall with
// -ERESTARTSYS (or another code of signal/restart.hpp) and signal/ makes that -EINTR or a restart.
enum class WaitResult : uint8_t { woken, timed_out, interrupted };
WaitResult wait_on(const void* channel, bool has_deadline, uint64_t deadline_ns);
// Wakes up to `max` waiters on `channel` (all by default); returns how many.
uint32_t wake_channel(const void* channel, uint32_t max = 0xFFFFFFFFu);

// With ER_BOOT_F_STATS (enclave-run --stats): once every domain has ended, log the free frames
// ("unikernel: stats: frames_free_after_domains=N"), so a test can see that none leaked.
void report_stats_at_end(bool on);

// ABI 5, ER_BOOT_F_PERSISTENT: the enclave does not end when its last domain does; it asks the
// host for work (domain/hotadd.hpp) when idle and on each tick that interrupts an app.  Off again
// after ER_POLL_SHUTDOWN: the enclave ends once no domain is live.
void set_persistent(bool on);
// The task whose context is on the CPU (maybe sleeping while the CPU idles), or nullptr before
// the first switch and while the scheduler runs on its own stack.
task::Task* running();

// Ends task t (dead, out of every queue, its process's live count down).  Its stack and FPU area
// go back to its domain now, or, when the CPU is on t's stack, once the scheduler has left it;
// the domain hears of each (domain::on_task_released).
void end_task(task::Task& t);
// The current task has ended (end_task): run another and free it.  Never returns.
[[noreturn]] void leave_dead_task();

}  // namespace uk::sched
