// Tasks (by table slot) waiting for a moment (nanosleep, a futex wait with a timeout), earliest deadline
// first; equal deadlines keep their arrival order.  Pure logic, unit-tested on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "task/limits.hpp"

namespace uk::sched {

class SleepQueue {
  public:
    static constexpr size_t kCapacity = task::kMaxTasks;

    bool empty() const { return count_ == 0; }
    size_t size() const { return count_; }

    // Queues id until deadline_ns (monotonic); an id already queued is moved.  False when full.
    bool insert(uint32_t id, uint64_t deadline_ns);
    bool remove(uint32_t id);
    bool contains(uint32_t id) const;

    // The earliest deadline; only when !empty().
    uint64_t next_deadline() const { return items_[0].deadline; }
    // Removes and returns the earliest sleeper whose deadline is <= now, or false.
    bool pop_expired(uint64_t now_ns, uint32_t* id);

  private:
    struct Item {
        uint64_t deadline;
        uint32_t id;
    };
    Item items_[kCapacity] = {};
    size_t count_ = 0;
};

}  // namespace uk::sched
