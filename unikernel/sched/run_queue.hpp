// A scheduler run queue: ids in FIFO order (round robin).  An id is in it at most once; capacity
// is the task table's (sched/ keeps one of domain ids and one of task slots per domain).  Pure
// logic, unit-tested on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "task/limits.hpp"

namespace uk::sched {

class RunQueue {
  public:
    static constexpr size_t kCapacity = task::kMaxTasks;

    bool empty() const { return count_ == 0; }
    size_t size() const { return count_; }

    // Appends id unless it is already queued (a task woken twice runs once).  False when full.
    bool push(uint32_t id);
    // The id at the head, removed; only when !empty().
    uint32_t pop();
    // Drops id wherever it is; false when it was not queued.
    bool remove(uint32_t id);
    bool contains(uint32_t id) const;

  private:
    uint32_t ids_[kCapacity] = {};
    size_t head_ = 0;
    size_t count_ = 0;
};

}  // namespace uk::sched
