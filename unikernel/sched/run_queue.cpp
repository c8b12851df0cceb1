#include "sched/run_queue.hpp"

namespace uk::sched {

bool RunQueue::contains(uint32_t id) const {
    for (size_t i = 0; i < count_; i++) {
        if (ids_[(head_ + i) % kCapacity] == id) return true;
    }
    return false;
}

bool RunQueue::push(uint32_t id) {
    if (contains(id)) return true;
    if (count_ == kCapacity) return false;
    ids_[(head_ + count_) % kCapacity] = id;
    count_++;
    return true;
}

uint32_t RunQueue::pop() {
    uint32_t id = ids_[head_];
    head_ = (head_ + 1) % kCapacity;
    count_--;
    return id;
}

bool RunQueue::remove(uint32_t id) {
    for (size_t i = 0; i < count_; i++) {
        if (ids_[(head_ + i) % kCapacity] != id) continue;
        // Close the gap, keeping the others' order.
        for (size_t j = i; j + 1 < count_; j++)
            ids_[(head_ + j) % kCapacity] = ids_[(head_ + j + 1) % kCapacity];
        count_--;
        return true;
    }
    return false;
}

}  // namespace uk::sched
