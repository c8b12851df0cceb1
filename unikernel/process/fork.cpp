#include "process/fork.hpp"

#include "arch/x86/fpu.hpp"
#include "domain/domain.hpp"
#include "mm/layout.hpp"
#include "mm/user_access.hpp"
#include "process/clone_flags.hpp"
#include "process/process.hpp"
#include "sched/scheduler.hpp"
#include "signal/signals.hpp"
#include "sys/errno.hpp"
#include "task/task.hpp"

namespace uk::process {
namespace {

constexpr uint64_t kAllowed = kExitSignalMask | kCloneVm | kCloneVfork | kCloneSettls |
                              kCloneParentSettid | kCloneChildCleartid | kCloneChildSettid;

// The child's descriptors: the same open file descriptions at the same numbers, each with one
// more reference (fs::FdTable::copy_for_fork), close-on-exec bits included.
// Its /tmp, mounts and open-file pool are the domain's (its init's), shared by every process
// (fs::DomainFiles::domain_wide, fs::FilePool::share); cwd and umask are copied.
void fork_files(Process& child, Process& parent) {
    fs::DomainFiles* dw = parent.files.domain_wide;
    if (dw == nullptr) dw = &parent.files;
    child.files = parent.files;
    child.files.domain_wide = dw;
    child.files.pool.share(&dw->pool);
    child.files.fds.init();
    child.files.fds.copy_for_fork(parent.files.fds);
}

// Undoes what fork_process set up so far, in reverse.
void undo(Process* child, task::Task* t, bool as_made) {
    if (as_made) child->as.destroy();
    if (t != nullptr) task::release(*t);
    if (child != nullptr) free(*child);
}

}  // namespace

int64_t fork_process(uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t ctid, uint64_t tls) {
    if ((flags & ~kAllowed) != 0) return -kEINVAL;
    // CLONE_VM alone would share the address space without being a thread: only posix_spawn's
    // CLONE_VM|CLONE_VFORK is taken, and given a copy (the parent's memory is not shared).
    if ((flags & kCloneVm) && !(flags & kCloneVfork)) return -kEINVAL;
    if ((flags & kExitSignalMask) >= 65) return -kEINVAL;
    if ((flags & kCloneSettls) && tls >= mm::kUserEnd) return -kEPERM;

    task::Task& pt = task::current();
    Process& parent = *pt.proc;
    domain::Domain& d = *parent.dom;
    uint32_t pid = domain::next_id(d);
    Process* child = alloc(d, pid, &parent);
    if (child == nullptr) return -kEAGAIN;
    task::Task* ct = task::alloc(*child, pid);
    if (ct == nullptr) {
        undo(child, nullptr, false);
        return -kEAGAIN;
    }
    if (!task::alloc_stack_and_fpu(*ct)) {
        undo(child, ct, false);
        return -kENOMEM;
    }
    // The address space: copy-on-write, on the domain's account; a root of its own, which with
    // PCID runs as PCID 0 and is flushed on every load (its parent's PCID may be an MPK
    // space's, shared with other domains: docs/mpk.md "Processes").
    if (int r = parent.as.fork_into(child->as); r != 0) {
        undo(child, ct, false);
        return r;
    }
    child->cr3 = child->as.cr3();
    child->cr3_loaded = false;
    child->brk_start = parent.brk_start;
    child->brk = parent.brk;
    child->exit_signal = uint32_t(flags & kExitSignalMask);
    if (flags & kCloneChildSettid) {
        // Into the child's memory, not the parent's (its own copy of the page).
        if (mm::copy_to_space(child->as, ctid, &pid, sizeof pid) == -kENOMEM) {
            undo(child, ct, true);
            return -kENOMEM;
        }
    }
    fork_files(*child, parent);
    // Signal actions are inherited, pending signals are not; the thread's mask and alternate
    // stack are (fork(2)).
    for (uint32_t i = 0; i < signal::kNsig; i++) child->sig.action[i] = parent.sig.action[i];
    ct->sig.blocked = pt.sig.blocked;
    ct->sig.alt_sp = pt.sig.alt_sp;
    ct->sig.alt_size = pt.sig.alt_size;
    ct->sig.alt_flags = pt.sig.alt_flags;

    // The child resumes from this syscall with the caller's registers, FPU state and FS base,
    // and 0 in rax.
    x86::fpu::save(ct->fpu);
    ct->fs_base = (flags & kCloneSettls) ? tls : pt.fs_base;
    x86::TrapFrame f = *pt.frame;
    f.rax = 0;
    if (newsp != 0) f.rsp = newsp;
    task::prepare_first_entry(*ct, f);
    if (flags & kCloneChildCleartid) ct->clear_child_tid = ctid;
    // Linux ignores a bad address here (put_user's result is not checked).
    if (flags & kCloneParentSettid) (void)mm::copy_to_user(ptid, &pid, sizeof pid);

    child->live_tasks = 1;
    d.live_tasks++;
    sched::add_task(*ct);
    return pid;
}

int64_t sys_fork(const sys::Args&) {
    return fork_process(signal::kSigChld, 0, 0, 0, 0);
}

int64_t sys_vfork(const sys::Args&) {
    return fork_process(kCloneVfork | signal::kSigChld, 0, 0, 0, 0);
}

}  // namespace uk::process
