#include "sched/futex.hpp"

#include "sched/scheduler.hpp"

namespace uk::sched {
namespace {

// The earliest-arrived waiter on key (bitset-matching), or nullptr.
task::Task* first_waiter(const task::FutexKey& key, uint32_t bitset) {
    task::Task* best = nullptr;
    for (uint32_t slot = 0; slot < task::kMaxTasks; slot++) {
        task::Task* t = task::at(slot);
        if (t->state != task::State::sleeping || !t->futex_waiting) continue;
        if (!(t->futex_key == key) || (t->futex_bitset & bitset) == 0) continue;
        if (best == nullptr || t->wait_seq < best->wait_seq) best = t;
    }
    return best;
}

}  // namespace

task::FutexKey futex_key(const process::Process& p, uint64_t uaddr, bool shared) {
    return task::FutexKey{&p.as, uaddr, shared};
}

uint32_t futex_wake(const task::FutexKey& key, uint32_t bitset, uint32_t max) {
    uint32_t woken = 0;
    while (woken < max) {
        task::Task* t = first_waiter(key, bitset);
        if (t == nullptr) break;
        wake(*t);
        woken++;
    }
    return woken;
}

uint32_t futex_requeue(const task::FutexKey& from, const task::FutexKey& to, uint32_t wake_max,
                       uint32_t requeue_max) {
    uint32_t woken = futex_wake(from, ~0u, wake_max);
    uint32_t moved = 0;
    if (from == to) return woken;
    while (moved < requeue_max) {
        task::Task* t = first_waiter(from, ~0u);
        if (t == nullptr) break;
        t->futex_key = to;  // keeps its arrival order
        moved++;
    }
    return woken + moved;
}

}  // namespace uk::sched
