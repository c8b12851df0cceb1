// fcntl record locks.  The table is the domain's (domain::Domain::locks, reached through
// fs::DomainFiles::locks): locks are between the domain's processes only.  A blocked F_SETLKW
// sleeps on the table and is woken by every unlock; it also re-checks each 10 ms, so a release on
// a path that does not wake (a description freed by another process's exit) is noticed anyway.
#include "sys/sys_locks.hpp"

#include "domain/domain.hpp"
#include "process/process.hpp"
#include "sched/scheduler.hpp"
#include "signal/restart.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "mm/user_access.hpp"
#include "time/clock.hpp"

namespace uk::sys {
namespace {

using fs::LockOwner;
using fs::OpenFile;

constexpr uint64_t kFGetlk = 5, kFSetlk = 6, kFSetlkw = 7;
constexpr uint64_t kFOfdGetlk = 36, kFOfdSetlk = 37, kFOfdSetlkw = 38;
constexpr uint64_t kSeekSet = 0, kSeekCur = 1, kSeekEnd = 2;
constexpr uint64_t kRecheckNs = 10'000'000;

struct Flock {  // struct flock of x86-64 Linux
    int16_t l_type;
    int16_t l_whence;
    int64_t l_start;
    int64_t l_len;
    int32_t l_pid;
};
static_assert(sizeof(Flock) == 32);

// The calling process's view of its domain's lock table, bound on first use.
fs::RecordLocks& table() {
    fs::DomainFiles& df = files();
    if (df.locks == nullptr) df.locks = &domain::current().locks;
    return *df.locks;
}

uint32_t current_pid() {
    return process::current().pid;
}

// The id a descriptor's locks are kept under: its file's, or for a console stream or a pipe
// the stream or pipe itself (Linux takes locks on any descriptor).
uint64_t lock_id(const OpenFile* f) {
    if (f->kind == fs::FileKind::node) return fs::lock_file_id(f->node);
    if (f->obj != nullptr) return reinterpret_cast<uintptr_t>(f->obj);
    return (uint64_t(0xfe) << 56) | uint64_t(f->kind);
}

// l_whence/l_start/l_len to [start, end): 0, -EINVAL, -EOVERFLOW (fcntl(2), Linux's checks).
int to_range(const OpenFile* f, const Flock& fl, uint64_t* start, uint64_t* end) {
    int64_t base;
    switch (uint64_t(fl.l_whence)) {
        case kSeekSet:
            base = 0;
            break;
        case kSeekCur:
            base = f->kind == fs::FileKind::node ? int64_t(f->pos) : 0;
            break;
        case kSeekEnd:
            base = f->kind == fs::FileKind::node ? int64_t(files().tree().info(f->node).size) : 0;
            break;
        default:
            return -kEINVAL;
    }
    int64_t s;
    if (__builtin_add_overflow(base, fl.l_start, &s)) return -kEOVERFLOW;
    if (s < 0) return -kEINVAL;
    if (fl.l_len > 0) {
        int64_t last;
        if (__builtin_add_overflow(s, fl.l_len - 1, &last)) return -kEOVERFLOW;
        *start = uint64_t(s), *end = uint64_t(last) + 1;
    } else if (fl.l_len == 0) {
        *start = uint64_t(s), *end = fs::kLockEof;
    } else {
        if (s + fl.l_len < 0) return -kEINVAL;  // l_len > INT64_MIN here: s >= 0
        *start = uint64_t(s + fl.l_len), *end = uint64_t(s);
    }
    return 0;
}

}  // namespace

bool is_lock_cmd(uint64_t cmd) {
    return (cmd >= kFGetlk && cmd <= kFSetlkw) || (cmd >= kFOfdGetlk && cmd <= kFOfdSetlkw);
}

int64_t fcntl_lock(OpenFile* f, uint64_t cmd, uint64_t arg) {
    Flock fl;
    if (mm::copy_from_user(&fl, arg, sizeof fl) != 0) return -kEFAULT;
    bool ofd = cmd >= kFOfdGetlk;
    if (ofd && fl.l_pid != 0) return -kEINVAL;
    if (fl.l_type != fs::kRdlck && fl.l_type != fs::kWrlck && fl.l_type != fs::kUnlck)
        return -kEINVAL;
    uint64_t start, end;
    if (int r = to_range(f, fl, &start, &end); r != 0) return r;
    uint32_t pid = current_pid();
    LockOwner who = ofd ? LockOwner{reinterpret_cast<uintptr_t>(f), true} : LockOwner{pid, false};
    fs::RecordLocks& locks = table();
    uint64_t file = lock_id(f);

    if (cmd == kFGetlk || cmd == kFOfdGetlk) {
        if (fl.l_type == fs::kUnlck) return -kEINVAL;
        const fs::RecordLock* c = locks.conflict(file, uint8_t(fl.l_type), start, end, who);
        if (c == nullptr) {
            fl.l_type = fs::kUnlck;
        } else {
            fl.l_type = c->type;
            fl.l_whence = int16_t(kSeekSet);
            fl.l_start = int64_t(c->start);
            fl.l_len = c->end == fs::kLockEof ? 0 : int64_t(c->end - c->start);
            fl.l_pid = c->owner.ofd ? -1 : int32_t(c->pid);
        }
        return mm::copy_to_user(arg, &fl, sizeof fl) != 0 ? -kEFAULT : 0;
    }
    // A read lock needs a readable descriptor, a write lock a writable one.
    uint32_t acc = f->flags & kOAccmode;
    if (fl.l_type == fs::kRdlck && acc == kOWronly) return -kEBADF;
    if (fl.l_type == fs::kWrlck && acc == kORdonly) return -kEBADF;
    bool wait = cmd == kFSetlkw || cmd == kFOfdSetlkw;
    while (true) {
        int r = locks.set(file, uint8_t(fl.l_type), start, end, who, pid);
        if (fl.l_type == fs::kUnlck && r == 0) sched::wake_channel(&locks);
        if (r != -kEAGAIN || !wait) return r;
        const fs::RecordLock* c = locks.conflict(file, uint8_t(fl.l_type), start, end, who);
        if (c == nullptr) continue;
        if (int d = locks.start_waiting(who, c->owner); d != 0) return d;
        sched::WaitResult w = sched::wait_on(&locks, true, time::monotonic_ns() + kRecheckNs);
        locks.done_waiting(who);
        // A signal: -EINTR, or the call again under SA_RESTART (Linux's -ERESTARTSYS).
        if (w == sched::WaitResult::interrupted) return -signal::kERestartSys;
    }
}

void locks_on_close(const OpenFile* f) {
    if (f == nullptr) return;
    fs::RecordLocks& locks = table();
    if (locks.release(lock_id(f), LockOwner{current_pid(), false}))
        sched::wake_channel(&locks);
}

void locks_on_exit(uint32_t pid) {
    fs::RecordLocks& locks = table();
    if (locks.release(0, LockOwner{pid, false})) sched::wake_channel(&locks);
}

}  // namespace uk::sys
