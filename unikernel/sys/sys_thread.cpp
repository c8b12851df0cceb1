// Threads: clone (CLONE_THREAD), clone3, gettid, sched_getaffinity and sched_setaffinity
// (tkill/tgkill are in sys_signal_send.cpp).  A thread is a task of the caller's process
// (task/task.hpp): same address space, files and signal handlers; its own kernel stack, FPU area,
// FS base and tid.  fork (clone without CLONE_VM) and vfork are processes: process_clone() is where
// they plug in.
#include "arch/x86/fpu.hpp"
#include "domain/domain.hpp"
#include "mm/layout.hpp"
#include "mm/user_access.hpp"
#include "process/clone_flags.hpp"
#include "process/fork.hpp"
#include "sched/scheduler.hpp"
#include "sys/errno.hpp"
#include "sys/syscall.hpp"

namespace uk::sys {
namespace {

using namespace process;  // the clone flags (process/clone_flags.hpp)

// What every thread shares with its creator (glibc, musl and Go all pass these): anything less
// (a thread with its own files or fs) is not supported.
constexpr uint64_t kThreadNeeds = kCloneVm | kCloneFs | kCloneFiles | kCloneSighand | kCloneThread;
constexpr uint64_t kThreadAllows = kThreadNeeds | kCloneSysvsem | kCloneSettls |
                                   kCloneParentSettid | kCloneChildCleartid | kCloneDetached |
                                   kCloneChildSettid;

constexpr uint64_t kCpuMaskBytes = 8;  // one vCPU: cpumask_size() of a 64-CPU kernel

// fork, vfork and clone without CLONE_THREAD make a process: the copy-on-write work plugs in
// here (process/process.hpp has the tree it needs).
int64_t process_clone(const Args& a) {
    return process::fork_process(a.a0, a.a1, a.a2, a.a3, a.a4);
}

int64_t thread_clone(const Args& a) {
    uint64_t flags = a.a0, newsp = a.a1, ptid = a.a2, ctid = a.a3, tls = a.a4;
    if ((flags & ~kExitSignalMask & ~kThreadAllows) != 0 || (flags & kThreadNeeds) != kThreadNeeds)
        return -kEINVAL;
    // Linux's x86-64 TLS check: an FS base in the kernel half could probe it.
    if ((flags & kCloneSettls) && tls >= mm::kUserEnd) return -kEPERM;
    task::Task& parent = task::current();
    process::Process& p = *parent.proc;
    task::Task* child = task::alloc(p, domain::next_id(*p.dom));
    if (child == nullptr) return -kEAGAIN;  // the task table is full
    if (!task::alloc_stack_and_fpu(*child)) {
        task::release(*child);
        return -kENOMEM;  // over the domain's limit or out of RAM
    }
    // The child starts with the parent's registers, FPU state and FS base; rax 0, its own stack.
    x86::fpu::save(child->fpu);
    child->fs_base = (flags & kCloneSettls) ? tls : parent.fs_base;
    x86::TrapFrame f = *parent.frame;
    f.rax = 0;
    if (newsp != 0) f.rsp = newsp;
    task::prepare_first_entry(*child, f);
    uint32_t tid = child->tid;
    // Linux ignores a bad address in both (put_user's result is not checked).
    if (flags & kCloneParentSettid) (void)mm::copy_to_user(ptid, &tid, sizeof tid);
    if (flags & kCloneChildSettid) (void)mm::copy_to_user(ctid, &tid, sizeof tid);
    if (flags & kCloneChildCleartid) child->clear_child_tid = ctid;
    p.live_tasks++;
    p.dom->live_tasks++;
    sched::add_task(*child);
    return tid;
}

// The target of sched_*affinity: 0 is the caller; otherwise a live task of the
// caller's own domain (tids never resolve across domains: ESRCH).
task::Task* target(uint64_t tid) {
    if (tid == 0) return &task::current();
    if (int64_t(int32_t(tid)) <= 0 || tid > 0x7FFFFFFF) return nullptr;
    return task::find(domain::current(), uint32_t(tid));
}

}  // namespace

int64_t sys_clone(const Args& a) {
    uint64_t flags = a.a0;
    // Linux's rules: a thread shares the signal handlers, which need the address space.
    if ((flags & kCloneThread) && !(flags & kCloneSighand)) return -kEINVAL;
    if ((flags & kCloneSighand) && !(flags & kCloneVm)) return -kEINVAL;
    // A process: fork, vfork, posix_spawn's CLONE_VM|CLONE_VFORK.
    if (!(flags & kCloneThread)) return process_clone(a);
    return thread_clone(a);
}

int64_t sys_clone3(const Args&) {
    // glibc (2.34+) tries clone3 first and falls back to clone on ENOSYS; musl and Go use clone.
    return -kENOSYS;
}

int64_t sys_gettid(const Args&) {
    return task::current().tid;
}

int64_t sys_sched_getaffinity(const Args& a) {
    uint64_t len = a.a1;
    if (len < kCpuMaskBytes || (len & 7) != 0) return -kEINVAL;
    if (target(a.a0) == nullptr) return -kESRCH;
    uint64_t mask = 1;  // one vCPU
    if (int r = mm::copy_to_user(a.a2, &mask, sizeof mask); r != 0) return r;
    return kCpuMaskBytes;
}

int64_t sys_sched_setaffinity(const Args& a) {
    if (target(a.a0) == nullptr) return -kESRCH;
    uint64_t mask = 0;
    uint64_t n = a.a1 < kCpuMaskBytes ? a.a1 : kCpuMaskBytes;
    if (int r = mm::copy_from_user(&mask, a.a2, n); r != 0) return r;
    // Every thread runs on the one vCPU: a mask without it cannot be honoured.
    return (mask & 1) != 0 ? 0 : -kEINVAL;
}

}  // namespace uk::sys
