#include "sched/sleep_queue.hpp"

namespace uk::sched {

bool SleepQueue::contains(uint32_t id) const {
    for (size_t i = 0; i < count_; i++) {
        if (items_[i].id == id) return true;
    }
    return false;
}

bool SleepQueue::remove(uint32_t id) {
    for (size_t i = 0; i < count_; i++) {
        if (items_[i].id != id) continue;
        for (size_t j = i; j + 1 < count_; j++) items_[j] = items_[j + 1];
        count_--;
        return true;
    }
    return false;
}

bool SleepQueue::insert(uint32_t id, uint64_t deadline_ns) {
    remove(id);
    if (count_ == kCapacity) return false;
    // Sorted array of at most kMaxTasks entries: a linear insert is simple and cheap enough here.
    size_t at = count_;
    while (at > 0 && items_[at - 1].deadline > deadline_ns) {
        items_[at] = items_[at - 1];
        at--;
    }
    items_[at] = Item{deadline_ns, id};
    count_++;
    return true;
}

bool SleepQueue::pop_expired(uint64_t now_ns, uint32_t* id) {
    if (count_ == 0 || items_[0].deadline > now_ns) return false;
    *id = items_[0].id;
    for (size_t j = 0; j + 1 < count_; j++) items_[j] = items_[j + 1];
    count_--;
    return true;
}

}  // namespace uk::sched
