// Futex wait queues across tasks (docs/syscalls.md "futex").  A key is (address space, user
// address, shared): every page a domain maps today is private anonymous memory, for which Linux
// keys a futex by mm + address, with a mark for ops without FUTEX_PRIVATE_FLAG (get_futex_key's
// FUT_OFF_MMSHARED), so a private and a shared op on one word do not meet.  Two processes, or
// two domains, never share a key.  Waiters are woken in arrival order.
#pragma once

#include <stdint.h>

#include "process/process.hpp"
#include "task/task.hpp"

namespace uk::sched {

task::FutexKey futex_key(const process::Process& p, uint64_t uaddr, bool shared);

// Wakes up to `max` waiters on key whose bitset meets `bitset`; returns how many.
uint32_t futex_wake(const task::FutexKey& key, uint32_t bitset, uint32_t max);
// FUTEX_REQUEUE: wakes up to wake_max waiters on `from`, then moves up to requeue_max of the
// rest to `to` (they wake with the next wake on `to`).  Returns woken + moved.
uint32_t futex_requeue(const task::FutexKey& from, const task::FutexKey& to, uint32_t wake_max,
                       uint32_t requeue_max);

}  // namespace uk::sched
