// rt_sigaction, rt_sigprocmask, rt_sigpending, sigaltstack and rt_sigreturn: the per-process
// actions and the per-thread mask and alternate stack (signal/state.hpp).  Arguments are
// validated like Linux does.
#include "sys/sys_signal.hpp"
#include "mm/user_access.hpp"
#include "signal/frame.hpp"
#include "signal/signals.hpp"
#include "sys/errno.hpp"

namespace uk::sys {
namespace {

using signal::bit;
using signal::kUnblockable;

constexpr uint64_t kSigsetSize = 8;
constexpr uint64_t kSigBlock = 0, kSigUnblock = 1, kSigSetmask = 2;

// POSIX: setting an action that ignores a signal discards it where it is pending.
void discard_pending(task::Task& self, uint32_t sig) {
    process::Process& p = *self.proc;
    p.sig.pending &= ~bit(sig);
    for (uint32_t slot = 0; slot < task::kMaxTasks; slot++) {
        task::Task* t = task::at(slot);
        if (t->state != task::State::unused && t->proc == &p) t->sig.pending &= ~bit(sig);
    }
}

}  // namespace

int64_t sys_rt_sigaction(const Args& a) {
    uint64_t sig = a.a0, act = a.a1, oldact = a.a2;
    if (a.a3 != kSigsetSize) return -kEINVAL;
    if (sig < 1 || sig > signal::kNsig) return -kEINVAL;
    if (act != 0 && (sig == signal::kSigKill || sig == signal::kSigStop)) return -kEINVAL;
    signal::Action next;
    if (act != 0) {
        if (int r = mm::copy_from_user(&next, act, sizeof next); r != 0) return r;
        next.mask &= ~kUnblockable;
    }
    task::Task& t = task::current();
    signal::Action& cur = signal::process_of(t).action[sig - 1];
    if (oldact != 0) {
        if (int r = mm::copy_to_user(oldact, &cur, sizeof cur); r != 0) return r;
    }
    if (act != 0) {
        cur = next;
        bool ignores = next.handler == signal::kSigIgn ||
                       (next.handler == signal::kSigDfl &&
                        signal::default_action(uint32_t(sig)) != signal::Default::terminate);
        if (ignores) discard_pending(t, uint32_t(sig));
    }
    return 0;
}

int64_t sys_rt_sigprocmask(const Args& a) {
    uint64_t how = a.a0, set = a.a1, oldset = a.a2;
    if (a.a3 != kSigsetSize) return -kEINVAL;
    signal::ThreadSignals& ts = signal::thread_of(task::current());
    uint64_t next = ts.blocked;
    if (set != 0) {
        if (how != kSigBlock && how != kSigUnblock && how != kSigSetmask) return -kEINVAL;
        uint64_t v;
        if (int r = mm::copy_from_user(&v, set, sizeof v); r != 0) return r;
        next = how == kSigBlock ? ts.blocked | v : how == kSigUnblock ? ts.blocked & ~v : v;
        next &= ~kUnblockable;
    }
    if (oldset != 0) {
        if (int r = mm::copy_to_user(oldset, &ts.blocked, sizeof ts.blocked); r != 0) return r;
    }
    // Signals it unblocks are delivered on this syscall's return (signal/deliver.cpp).
    ts.blocked = next;
    return 0;
}

int64_t sys_rt_sigpending(const Args& a) {
    if (a.a1 > kSigsetSize) return -kEINVAL;
    task::Task& t = task::current();
    uint64_t set = (t.sig.pending | t.proc->sig.pending) & t.sig.blocked;
    return mm::copy_to_user(a.a0, &set, a.a1);
}

int64_t sys_sigaltstack(const Args& a) {
    task::Task& t = task::current();
    signal::ThreadSignals& ts = t.sig;
    uint64_t sp = t.frame->rsp;
    bool on = signal::on_altstack(ts, sp);
    signal::StackT old{};
    old.sp = ts.alt_sp;
    old.size = ts.alt_size;
    old.flags = int32_t((ts.alt_size == 0 ? signal::kSsDisable
                         : on             ? signal::kSsOnstack
                                          : 0) |
                        ts.alt_flags);
    if (a.a0 != 0) {
        signal::StackT ss;
        if (mm::copy_from_user(&ss, a.a0, sizeof ss) != 0) return -kEFAULT;
        if (on) return -kEPERM;  // cannot change the stack a handler runs on
        uint32_t mode = uint32_t(ss.flags) & ~signal::kSsAutodisarm;
        if (mode != 0 && mode != uint32_t(signal::kSsDisable) &&
            mode != uint32_t(signal::kSsOnstack))
            return -kEINVAL;
        if (mode == uint32_t(signal::kSsDisable)) {
            ts.alt_sp = ts.alt_size = 0;
            ts.alt_flags = 0;
        } else {
            if (ss.size < signal::kMinSigstksz) return -kENOMEM;
            ts.alt_sp = ss.sp;
            ts.alt_size = ss.size;
            ts.alt_flags = uint32_t(ss.flags) & signal::kSsAutodisarm;
        }
    }
    if (a.a1 != 0 && mm::copy_to_user(a.a1, &old, sizeof old) != 0) return -kEFAULT;
    return 0;
}

int64_t sys_rt_sigreturn(const Args&) {
    task::Task& t = task::current();
    return int64_t(signal::sigreturn(t, *t.frame));
}

}  // namespace uk::sys
