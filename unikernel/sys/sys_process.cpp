// Process identity and lifetime: exit/exit_group, arch_prctl (FS base for TLS), ids.  Pids are
// per domain (its init is 1), every process runs as root (uid/gid 0) in its own world.
#include "arch/x86/cpu.hpp"
#include "domain/domain.hpp"
#include "process/exit.hpp"
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
    // Linux keeps the low byte.
    process::exit_thread(int(a.a0 & 0xFF));
}

int64_t sys_exit_group(const Args& a) {
    process::exit_group(int(a.a0 & 0xFF));
}

int64_t sys_arch_prctl(const Args& a) {
    task::Task& d = task::current();
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
    task::current().clear_child_tid = a.a0;
    return task::current().tid;
}

int64_t sys_getpid(const Args&) {
    return process::current().pid;
}

int64_t sys_getppid(const Args&) {
    // init's parent is outside the domain (the launcher): 0, as for a pid namespace's init.
    const process::Process* parent = process::current().parent;
    return parent != nullptr ? parent->pid : 0;
}

int64_t sys_getid_zero(const Args&) {
    return 0;
}

int64_t sys_set_robust_list(const Args& a) {
    if (a.a1 != kRobustListHeadSize) return -kEINVAL;
    return 0;
}

}  // namespace uk::sys
