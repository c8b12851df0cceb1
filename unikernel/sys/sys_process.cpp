// Process identity and lifetime: exit/exit_group, arch_prctl (FS base for TLS), ids.  A domain is
// one single-threaded process with pid = tid = 1, running as root (uid/gid 0) in its own world.
#include "arch/x86/cpu.hpp"
#include "domain/domain.hpp"
#include "mm/layout.hpp"
#include "mm/user_access.hpp"
#include "sys/errno.hpp"
#include "sys/syscall.hpp"

namespace uk::sys {
namespace {

constexpr uint64_t kArchSetFs = 0x1002;
constexpr uint64_t kArchGetFs = 0x1003;
constexpr uint64_t kRobustListHeadSize = 24;

}  // namespace

int64_t sys_exit(const Args& a) {
    // One thread per domain, so exit and exit_group both end it.  Linux keeps the low byte.
    domain::exit(domain::current(), int(a.a0 & 0xFF));
}

int64_t sys_arch_prctl(const Args& a) {
    domain::Domain& d = domain::current();
    switch (a.a0) {
        case kArchSetFs:
            // Only user addresses: an FS base in the kernel half would let TLS accesses probe it
            // (they would fault, but Linux refuses it up front the same way).
            if (a.a1 >= mm::kUserEnd) return -kEPERM;
            d.fs_base = a.a1;
            x86::wrmsr(x86::kMsrFsBase, a.a1);
            return 0;
        case kArchGetFs:
            return mm::copy_to_user(a.a1, &d.fs_base, sizeof d.fs_base);
        default:
            return -kEINVAL;
    }
}

int64_t sys_set_tid_address(const Args& a) {
    domain::current().clear_child_tid = a.a0;
    return 1;
}

int64_t sys_getpid(const Args&) {
    return 1;
}

int64_t sys_getppid(const Args&) {
    return 0;
}

int64_t sys_getid_zero(const Args&) {
    return 0;
}

int64_t sys_set_robust_list(const Args& a) {
    if (a.a1 != kRobustListHeadSize) return -kEINVAL;
    return 0;
}

}  // namespace uk::sys
