// rt_sigaction and rt_sigprocmask.  No signal is ever delivered to an app yet (faults kill it,
// nothing else raises signals), so handlers and masks are accepted and not stored; queries
// report the defaults.  Arguments are still validated like Linux does.
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

struct KernelSigaction {  // Linux's struct sigaction as the syscall sees it
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

}  // namespace

int64_t sys_rt_sigaction(const Args& a) {
    uint64_t sig = a.a0, act = a.a1, oldact = a.a2;
    if (a.a3 != kSigsetSize) return -kEINVAL;
    if (sig < 1 || sig > kNsig) return -kEINVAL;
    if (act != 0 && (sig == kSigKill || sig == kSigStop)) return -kEINVAL;
    if (act != 0) {
        KernelSigaction ignored;
        if (int r = mm::copy_from_user(&ignored, act, sizeof ignored); r != 0) return r;
    }
    if (oldact != 0) {
        KernelSigaction dfl{};  // SIG_DFL, no flags, empty mask
        if (int r = mm::copy_to_user(oldact, &dfl, sizeof dfl); r != 0) return r;
    }
    return 0;
}

int64_t sys_rt_sigprocmask(const Args& a) {
    uint64_t how = a.a0, set = a.a1, oldset = a.a2;
    if (a.a3 != kSigsetSize) return -kEINVAL;
    if (set != 0) {
        if (how != kSigBlock && how != kSigUnblock && how != kSigSetmask) return -kEINVAL;
        uint64_t ignored;
        if (int r = mm::copy_from_user(&ignored, set, sizeof ignored); r != 0) return r;
    }
    if (oldset != 0) {
        uint64_t empty = 0;
        if (int r = mm::copy_to_user(oldset, &empty, sizeof empty); r != 0) return r;
    }
    return 0;
}

}  // namespace uk::sys
