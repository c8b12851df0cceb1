// rt_sigaction and rt_sigprocmask.  Handlers and the mask are stored per domain and read back
// like Linux, but no signal is ever delivered to an app yet: a fault kills the domain (the
// default action of SIGSEGV, SIGILL, SIGBUS, SIGFPE) even where a handler is installed, and
// nothing else raises signals.  Arguments are validated like Linux does.
#include "domain/domain.hpp"
#include "libos-abi/enclave_abi.h"
#include "mm/user_access.hpp"
#include "sys/errno.hpp"
#include "sys/syscall.hpp"

namespace uk::sys {
namespace {

constexpr uint64_t kSigsetSize = 8;
constexpr uint64_t kSigKill = 9;
constexpr uint64_t kSigStop = 19;
constexpr uint64_t kNsig = 64;
constexpr uint64_t kSigBlock = 0, kSigUnblock = 1, kSigSetmask = 2;
// SIGKILL and SIGSTOP can never be blocked; Linux drops them from every mask silently.
constexpr uint64_t kUnblockable = (1ull << (kSigKill - 1)) | (1ull << (kSigStop - 1));

struct KernelSigaction {  // Linux's struct sigaction as the syscall sees it
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

struct SignalState {
    KernelSigaction action[kNsig];  // zero: SIG_DFL
    uint64_t blocked;
};

// Domain slots are never reused, so zero-initialised state is each domain's initial state.
SignalState g_signals[ER_MAX_DOMAINS];

SignalState& state() {
    return g_signals[domain::current().id % ER_MAX_DOMAINS];
}

}  // namespace

int64_t sys_rt_sigaction(const Args& a) {
    uint64_t sig = a.a0, act = a.a1, oldact = a.a2;
    if (a.a3 != kSigsetSize) return -kEINVAL;
    if (sig < 1 || sig > kNsig) return -kEINVAL;
    if (act != 0 && (sig == kSigKill || sig == kSigStop)) return -kEINVAL;
    KernelSigaction next;
    if (act != 0) {
        if (int r = mm::copy_from_user(&next, act, sizeof next); r != 0) return r;
        next.mask &= ~kUnblockable;
    }
    SignalState& s = state();
    if (oldact != 0) {
        if (int r = mm::copy_to_user(oldact, &s.action[sig - 1], sizeof next); r != 0) return r;
    }
    if (act != 0) s.action[sig - 1] = next;
    return 0;
}

int64_t sys_rt_sigprocmask(const Args& a) {
    uint64_t how = a.a0, set = a.a1, oldset = a.a2;
    if (a.a3 != kSigsetSize) return -kEINVAL;
    SignalState& s = state();
    uint64_t next = s.blocked;
    if (set != 0) {
        if (how != kSigBlock && how != kSigUnblock && how != kSigSetmask) return -kEINVAL;
        uint64_t v;
        if (int r = mm::copy_from_user(&v, set, sizeof v); r != 0) return r;
        next = how == kSigBlock ? s.blocked | v : how == kSigUnblock ? s.blocked & ~v : v;
        next &= ~kUnblockable;
    }
    if (oldset != 0) {
        if (int r = mm::copy_to_user(oldset, &s.blocked, sizeof s.blocked); r != 0) return r;
    }
    s.blocked = next;
    return 0;
}

}  // namespace uk::sys
