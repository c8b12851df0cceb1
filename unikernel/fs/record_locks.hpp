// fcntl record locks of one domain: POSIX locks (F_SETLK, F_SETLKW, F_GETLK), owned by a process
// and dropped by any close of the file by that process, and OFD locks (F_OFD_*), owned by an open
// file description and dropped with its last descriptor.  Both kinds conflict with each other as
// in Linux: two locks conflict when their owners differ, their ranges overlap and one of them is
// a write lock.  Setting a lock over the owner's own locks replaces them in that range (splitting
// and merging, as Linux does), so an owner never holds two overlapping locks.
// A fixed table (no allocation); pure code, unit-tested on the host.  The syscall side (what a
// file is, who owns a lock, blocking) is in sys/sys_locks.cpp.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fs/tree.hpp"

namespace uk::fs {

enum LockType : uint8_t { kRdlck = 0, kWrlck = 1, kUnlck = 2 };  // Linux's F_RDLCK ... values

// Ranges are [start, end); kLockEof as end means "to the end of the file, however it grows".
constexpr uint64_t kLockEof = ~uint64_t(0);

struct LockOwner {
    uint64_t id = 0;  // POSIX: the process id; OFD: the open file description's address
    bool ofd = false;
    bool operator==(const LockOwner&) const = default;
};

struct RecordLock {
    uint64_t file;  // which file (the caller's stable id; never 0 for a lock in use)
    uint64_t start, end;
    LockOwner owner;
    uint32_t pid;  // for F_GETLK: the POSIX owner's pid (-1 is reported for OFD locks)
    uint8_t type;  // kRdlck or kWrlck
};

// The id a file's locks are kept under: stable while it is open, never 0.
inline uint64_t lock_file_id(const NodeRef& n) {
    if (n.kind == NodeKind::tmp) return reinterpret_cast<uintptr_t>(n.tmp);
    return (uint64_t(n.kind) << 56) | (uint64_t(n.ro) + 1);
}

class RecordLocks {
  public:
    static constexpr size_t kMaxLocks = 64;
    static constexpr size_t kMaxWaiters = 16;

    void clear();

    // F_GETLK: the first lock of another owner that would block `type` over [start, end), or
    // nullptr when none would.
    const RecordLock* conflict(uint64_t file, uint8_t type, uint64_t start, uint64_t end,
                               const LockOwner& who) const;
    // F_SETLK: type kRdlck/kWrlck takes the range, kUnlck releases it.  0, -EAGAIN (another
    // owner's lock conflicts: nothing changed), -ENOLCK (the table is full).
    int set(uint64_t file, uint8_t type, uint64_t start, uint64_t end, const LockOwner& who,
            uint32_t pid);
    // Drops every lock of `who` on `file` (file 0: on every file).  True when any went.
    bool release(uint64_t file, const LockOwner& who);

    // F_SETLKW bookkeeping for deadlock detection (POSIX owners only, as Linux): `who` is about
    // to sleep for `blocker`.  -EDEADLK when `blocker`, through the owners it waits for in turn,
    // waits for `who`; -ENOLCK when too many already wait; else 0 with the wait recorded until
    // done_waiting(who).
    int start_waiting(const LockOwner& who, const LockOwner& blocker);
    void done_waiting(const LockOwner& who);

    size_t count() const;

  private:
    RecordLock locks_[kMaxLocks] = {};
    struct Wait {
        LockOwner who, blocker;
        bool used;
    };
    Wait waits_[kMaxWaiters] = {};
};

}  // namespace uk::fs
