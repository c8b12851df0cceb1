// Preemptive round robin over the domains on one vCPU (docs/guest.md "Scheduling").  The LAPIC
// timer preempts code at CPL3 only: the kernel runs with interrupts off and switches domains
// only at the points below, each on the current domain's own kernel stack.
#pragma once

#include <stdint.h>

#include "domain/domain.hpp"

namespace uk::sched {

// Queues a created domain (state runnable).
void add(domain::Domain& d);

// Switches from the boot stack to the first runnable domain.  Never returns.
[[noreturn]] void start();

// The timer interrupt (already acknowledged): wakes sleepers whose time has come and, when it
// interrupted an app and another domain is runnable, moves on to it.
void on_tick(bool from_user);

// sched_yield: the current domain goes to the back of the run queue.
void yield();

// Sleeps the current domain until the monotonic clock reaches deadline_ns.
void sleep_until(uint64_t deadline_ns);

// FUTEX_WAIT after the value check: sleeps until futex_wake on (current domain, addr) or, when
// has_deadline, until deadline_ns.  True when woken, false on timeout.
bool futex_wait(uint64_t addr, bool has_deadline, uint64_t deadline_ns);
// FUTEX_WAKE: wakes up to `max` waiters of d on addr; returns how many.
uint32_t futex_wake(const domain::Domain& d, uint64_t addr, uint32_t max);

// Generic blocking (pipes, poll, epoll, eventfd, timerfd, wait4 ...): the running domain sleeps
// on `channel` (any address naming what it waits for) until wake_channel(channel) or, when
// has_deadline, the monotonic clock reaches deadline_ns.  Callers re-check their condition after
// it returns (a wake is a hint, not a promise) and loop.
enum class WaitResult : uint8_t { woken, timed_out };
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
// The domain whose context is on the CPU (maybe sleeping or dead while the CPU idles), or
// nullptr before the first switch.
domain::Domain* running();
// A domain other than the running one has ended (domain::kill_other): out of the queues, not
// counted as live.
void drop(domain::Domain& d);

// The domain has ended (everything released, the host told): drop it and run another.  When it
// was the last, the VM ends with ER_HC_EXIT reason NORMAL.
[[noreturn]] void retire(domain::Domain& d);

}  // namespace uk::sched
