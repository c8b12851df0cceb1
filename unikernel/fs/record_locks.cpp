#include "fs/record_locks.hpp"

#include "sys/errno.hpp"

namespace uk::fs {
namespace {

bool overlaps(const RecordLock& l, uint64_t start, uint64_t end) {
    return l.start < end && start < l.end;
}

}  // namespace

const RecordLock* RecordLocks::conflict(uint64_t file, uint8_t type, uint64_t start, uint64_t end,
                                        const LockOwner& who) const {
    for (const RecordLock& l : locks_) {
        if (l.file != file || l.owner == who || !overlaps(l, start, end)) continue;
        if (l.type == kWrlck || type == kWrlck) return &l;
    }
    return nullptr;
}

void RecordLocks::clear() {
    for (RecordLock& l : locks_) l = RecordLock{};
    for (Wait& w : waits_) w = Wait{};
}

size_t RecordLocks::count() const {
    size_t n = 0;
    for (const RecordLock& l : locks_) n += l.file != 0;
    return n;
}

int RecordLocks::set(uint64_t file, uint8_t type, uint64_t start, uint64_t end,
                     const LockOwner& who, uint32_t pid) {
    if (type != kUnlck && conflict(file, type, start, end, who) != nullptr) return -kEAGAIN;
    // Slots needed before anything changes, so a full table leaves the locks as they were: the
    // new lock, and the second half of an own lock of the other type split around the range.
    size_t need = type != kUnlck ? 1 : 0;
    for (const RecordLock& l : locks_) {
        if (l.file == file && l.owner == who && l.start < start && l.end > end && l.type != type)
            need++;
    }
    if (kMaxLocks - count() < need) return -kENOLCK;

    // Own locks of the same type that overlap or touch the range merge into the new lock.
    if (type != kUnlck) {
        for (RecordLock& l : locks_) {
            if (l.file != file || !(l.owner == who) || l.type != type) continue;
            if (l.start <= end && start <= l.end) {
                if (l.start < start) start = l.start;
                if (l.end > end) end = l.end;
                l = RecordLock{};
            }
        }
    }
    // The owner's other locks lose the part inside the range.
    for (RecordLock& l : locks_) {
        if (l.file != file || !(l.owner == who) || !overlaps(l, start, end)) continue;
        if (l.start >= start && l.end <= end) {
            l = RecordLock{};
        } else if (l.start < start && l.end > end) {
            RecordLock right = l;
            right.start = end;
            l.end = start;
            for (RecordLock& slot : locks_) {
                if (slot.file == 0) {
                    slot = right;
                    break;
                }
            }
        } else if (l.start < start) {
            l.end = start;
        } else {
            l.start = end;
        }
    }
    if (type == kUnlck) return 0;
    for (RecordLock& slot : locks_) {
        if (slot.file == 0) {
            slot = RecordLock{file, start, end, who, pid, type};
            return 0;
        }
    }
    return -kENOLCK;  // not reached: `need` reserved the slot
}

bool RecordLocks::release(uint64_t file, const LockOwner& who) {
    bool any = false;
    for (RecordLock& l : locks_) {
        if (l.file != 0 && (file == 0 || l.file == file) && l.owner == who) {
            l = RecordLock{};
            any = true;
        }
    }
    return any;
}

int RecordLocks::start_waiting(const LockOwner& who, const LockOwner& blocker) {
    // Linux detects deadlocks between POSIX owners only; an OFD waiter just waits.
    if (who.ofd) return 0;
    LockOwner cur = blocker;
    for (size_t step = 0; step <= kMaxWaiters && !cur.ofd; step++) {
        if (cur == who) return -kEDEADLK;
        const Wait* next = nullptr;
        for (const Wait& w : waits_) {
            if (w.used && w.who == cur) next = &w;
        }
        if (next == nullptr) break;
        cur = next->blocker;
    }
    for (Wait& w : waits_) {
        if (!w.used) {
            w = Wait{who, blocker, true};
            return 0;
        }
    }
    return -kENOLCK;
}

void RecordLocks::done_waiting(const LockOwner& who) {
    for (Wait& w : waits_) {
        if (w.used && w.who == who) w = Wait{};
    }
}

}  // namespace uk::fs
