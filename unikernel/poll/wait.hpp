// How a syscall waits for a domain's files (pipes, poll, select, epoll, eventfd, timerfd): every
// such waiter of the domain sleeps on one channel, and every change to one of its files (data in,
// data out, an end closed, a counter written, a timer set) wakes them all to re-check.  Pipes and
// the rest never cross a domain, and a domain has few waiters, so one channel is enough and no
// waiter needs a list of what it waits for (poll over 64 descriptors, epoll over a set).
#pragma once

#include <stdint.h>

#include "fs/domain_files.hpp"

namespace uk::poll {

enum class Wait : uint8_t { woken, timed_out, interrupted };

// Sleeps the caller until a notify() on df or the monotonic deadline.  The one place a file wait
// blocks: a pending signal will end it with `interrupted` (-EINTR) here.
Wait block(fs::DomainFiles& df, bool has_deadline, uint64_t deadline_ns);
// Something in df's files changed: wakes every waiter.
void notify(fs::DomainFiles& df);
// The same for domain `domain_id`, from outside its syscalls (net/inet/inet_poll.cpp: the idle
// loop learnt that one of its host sockets became ready).
void notify_domain(uint32_t domain_id);
// The domains (bit i: domain i) with a task asleep in block() now: the idle loop polls the host
// sockets of those domains only (net/inet/inet_poll.cpp).
uint64_t domains_waiting();

// ppoll, pselect6, epoll_pwait: waits with the app's signal mask at user_mask (0: none), as
// rt_sigsuspend does; the caller's mask comes back on the way out or in the handler's frame.
// 0, -EINVAL (size not 8), -EFAULT.
int set_wait_mask(uint64_t user_mask, uint64_t size);

// A relative timeout in ns as a monotonic deadline (saturating).
uint64_t deadline_after(uint64_t timeout_ns);
// struct timespec from the app as ns: 0, -EFAULT, -EINVAL (negative seconds, nsec out of range).
int timespec_ns(uint64_t user, uint64_t* out_ns);

}  // namespace uk::poll
