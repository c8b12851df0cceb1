// Readiness of host sockets, and the guest's waits on them (docs/network.md "Guest side").
//
// Each socket caches the host's POLL* bits.  The cache is trusted until an operation on the
// socket or the next timer tick (an epoch): a stale one is refreshed by ONE ER_NET_POLL (timeout
// 0) over every stale socket of its domain, so an epoll over a hundred connections costs one exit,
// not a hundred.  When every task waits, the scheduler's idle loop waits in ER_NET_POLL (over the
// sockets of the domains with a task asleep in poll::block, asking each for the bits it lacks)
// instead of HLT, up to the next deadline; while other tasks run, each timer tick polls them
// with timeout 0.  A socket that became ready wakes its domain's waiters (poll::notify_domain).
#pragma once

#include <stdint.h>

#include "net/inet/inet_socket.hpp"

namespace uk::net {

// Linux's POLL* bits as the host reports them.
constexpr uint16_t kPollIn = 0x1, kPollPri = 0x2, kPollOut = 0x4, kPollErr = 0x8, kPollHup = 0x10,
                   kPollNval = 0x20, kPollRdhup = 0x2000;

// The registry: which socket a domain's host handle is.  claim() is false when the handle is
// out of range or already taken (a host breaking the ABI).
bool claim(InetSocket* s);
void forget(InetSocket* s);
// Host sockets the domain holds now (the per-domain cap, ER_NET_MAX_SOCKETS).
uint32_t socket_count(uint32_t domain);

// The cached bits, refreshed first when stale.
uint16_t host_mask(InetSocket* s);
// An operation changed what the host may report: the next host_mask asks again.
void mark_stale(InetSocket* s);
// An operation just learnt that `bits` are not ready now (EAGAIN): they leave the cache, which
// counts as fresh, so a waiter's first idle poll asks the host for exactly them.
void learn_not_ready(InetSocket* s, uint16_t bits);

// For the scheduler (sched/scheduler.cpp).
// Whether some task sleeps in poll::block in a domain that holds host sockets.
bool waiting();
// Polls the waiting domains' sockets for up to timeout_ns (0: not at all): true when it asked
// the host (the idle loop then does not HLT), false when there was nothing to ask.
bool poll_waiting(uint64_t timeout_ns);
// A timer tick: caches become stale; with `apps_running`, the waiters' sockets are polled once
// (timeout 0) when some exist.
void on_tick(bool apps_running);

}  // namespace uk::net
