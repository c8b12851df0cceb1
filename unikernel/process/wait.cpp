#include "process/wait.hpp"

#include "arch/x86/cpu.hpp"
#include "domain/domain.hpp"
#include "fs/domain_files.hpp"
#include "lib/string.hpp"
#include "mm/page_table.hpp"
#include "mm/user_access.hpp"
#include "process/process.hpp"
#include "sched/scheduler.hpp"
#include "signal/restart.hpp"
#include "signal/signals.hpp"
#include "sys/errno.hpp"
#include "task/limits.hpp"
#include "task/task.hpp"

namespace uk::process {
namespace {

constexpr uint64_t kWnohang = 1, kWuntraced = 2, kWexited = 4, kWcontinued = 8;
constexpr uint64_t kWnowait = 0x01000000;
constexpr uint64_t kWnothread = 0x20000000, kWall = 0x40000000, kWclone = 0x80000000;
constexpr int32_t kCldExited = 1, kCldKilled = 2;
constexpr uint64_t kPAll = 0, kPPid = 1, kPPgid = 2;
constexpr uint32_t kSaNocldwait = 2;

// Who a wait is for: any child, one pid, or one process group.
struct Selector {
    enum Kind : uint8_t { any, pid, pgid } kind;
    uint32_t id;
};

bool matches(const Process& c, const Selector& s, uint64_t options) {
    // __WALL: every child; __WCLONE: only those whose exit signal is not SIGCHLD; neither: only
    // those whose exit signal is SIGCHLD (clone(2)).
    if (!(options & kWall)) {
        bool clone_child = c.exit_signal != signal::kSigChld;
        if (bool(options & kWclone) != clone_child) return false;
    }
    switch (s.kind) {
        case Selector::pid:
            return c.pid == s.id;
        case Selector::pgid:
            return c.pgid == s.id;
        case Selector::any:
            break;
    }
    return true;
}

// Who inherits p's children: the nearest live subreaper among its ancestors, else init.
Process* new_parent_for(Process& p) {
    for (Process* a = p.parent; a != nullptr; a = a->parent) {
        if (a->subreaper && a->state == State::live) return a;
    }
    return p.dom->init;
}

bool ignores_children(Process& parent) {
    const signal::Action& a = parent.sig.action[signal::kSigChld - 1];
    return a.handler == signal::kSigIgn || (a.flags & kSaNocldwait);
}

void notify(Process& parent, Process& child) {
    int st = child.exit_status;
    int32_t code = (st & 0x7F) != 0 ? kCldKilled : kCldExited;
    int32_t status = (st & 0x7F) != 0 ? (st & 0x7F) : (st >> 8) & 0xFF;
    if (child.exit_signal != 0) {
        if (child.exit_signal == signal::kSigChld) {
            signal::raise_sigchld(parent, child.pid, code, status);
        } else {
            signal::Info i{};
            i.code = code;
            i.pid = child.pid;
            i.status = status;
            signal::raise_process(parent, child.exit_signal, i, signal::Sender::kernel);
        }
    }
    sched::wake_channel(&parent);
}

void reap(Process& c) {
    free(c);
}

}  // namespace

void become_zombie(Process& p, int wait_status) {
    domain::Domain& d = *p.dom;
    // Its memory and descriptors go now: only the status stays until the parent reaps it.
    if ((x86::read_cr3() & mm::kPteAddrMask) == p.as.cr3()) x86::write_cr3(mm::g_kernel_pt.root());
    p.as.destroy();
    fs::release_locks(p.files, p.pid);  // its POSIX record locks, as Linux drops them at exit
    fs::release_fds(p.files, p.files.fds);
    // Orphans: to the nearest subreaper or to init, which reaps zombies among them at once.
    Process* heir = new_parent_for(p);
    for (uint32_t i = 0; i < kMaxProcesses; i++) {
        Process* c = at(i);
        if (c->state == State::unused || c->dom != &d || c->parent != &p) continue;
        c->parent = heir;
        if (c->state == State::zombie && heir != nullptr) notify(*heir, *c);
    }
    p.exit_status = wait_status;
    p.state = State::zombie;
    Process* parent = p.parent;
    if (parent == nullptr) return;
    if (ignores_children(*parent)) {
        reap(p);
        sched::wake_channel(parent);  // a wait may now have nothing left to wait for: ECHILD
        return;
    }
    notify(*parent, p);
}

namespace {

// The wait core for wait4 and waitid: 0 (WNOHANG, nothing yet) or the reaped child's pid, with
// its status and pid in *status / *cpid; -ECHILD, -EINTR (via the restart codes).
int64_t wait_child(const Selector& sel, uint64_t options, int* status, uint32_t* cpid) {
    Process& self = current();
    domain::Domain& d = *self.dom;
    for (;;) {
        bool any = false;
        for (uint32_t i = 0; i < kMaxProcesses; i++) {
            Process* c = at(i);
            if (c->state == State::unused || c->dom != &d || c->parent != &self) continue;
            if (!matches(*c, sel, options)) continue;
            any = true;
            if (c->state != State::zombie) continue;
            *status = c->exit_status;
            *cpid = c->pid;
            if (!(options & kWnowait)) reap(*c);
            return *cpid;
        }
        if (!any) return -kECHILD;
        if (options & kWnohang) return 0;
        if (sched::wait_on(&self, false, 0) == sched::WaitResult::interrupted)
            return -signal::kERestartSys;
    }
}

}  // namespace

int64_t sys_wait4(const sys::Args& a) {
    int64_t pid = int32_t(a.a0);
    uint64_t wstatus = a.a1, options = a.a2, rusage = a.a3;
    if (options & ~(kWnohang | kWuntraced | kWcontinued | kWnothread | kWall | kWclone))
        return -kEINVAL;
    Selector sel{Selector::any, 0};
    if (pid > 0) {
        sel = Selector{Selector::pid, uint32_t(pid)};
    } else if (pid == 0) {
        sel = Selector{Selector::pgid, current().pgid};
    } else if (pid < -1) {
        sel = Selector{Selector::pgid, uint32_t(-pid)};
    }
    int status = 0;
    uint32_t cpid = 0;
    int64_t r = wait_child(sel, options | kWexited, &status, &cpid);
    if (r <= 0) return r;
    if (wstatus != 0 && mm::copy_to_user(wstatus, &status, sizeof status) != 0) return -kEFAULT;
    if (rusage != 0) {
        // No per-process accounting yet: a zeroed struct rusage (docs/syscalls.md).
        uint8_t zero[144] = {};
        if (mm::copy_to_user(rusage, zero, sizeof zero) != 0) return -kEFAULT;
    }
    return r;
}

int64_t sys_waitid(const sys::Args& a) {
    uint64_t idtype = a.a0, id = a.a1, infop = a.a2, options = a.a3, rusage = a.a4;
    if (options &
        ~(kWnohang | kWexited | kWuntraced | kWcontinued | kWnowait | kWnothread | kWall | kWclone))
        return -kEINVAL;
    if (!(options & (kWexited | kWuntraced | kWcontinued))) return -kEINVAL;
    Selector sel{Selector::any, 0};
    if (idtype == kPPid) {
        if (int32_t(id) <= 0) return -kEINVAL;
        sel = Selector{Selector::pid, uint32_t(id)};
    } else if (idtype == kPPgid) {
        if (int32_t(id) < 0) return -kEINVAL;
        sel = Selector{Selector::pgid, id == 0 ? current().pgid : uint32_t(id)};
    } else if (idtype != kPAll) {
        return -kEINVAL;
    }
    int status = 0;
    uint32_t cpid = 0;
    // Only exits are reported (no stops or continues: nothing is ever stopped here).
    int64_t r = (options & kWexited) ? wait_child(sel, options, &status, &cpid)
                                     : ((options & kWnohang) ? 0 : -kECHILD);
    if (r < 0) return r;
    if (infop != 0) {
        // siginfo_t for SIGCHLD: si_signo, si_errno, si_code, then si_pid, si_uid, si_status.
        int32_t info[32] = {};
        if (r > 0) {
            bool killed = (status & 0x7F) != 0;
            info[0] = int32_t(signal::kSigChld);
            info[2] = killed ? kCldKilled : kCldExited;
            info[4] = int32_t(cpid);
            info[5] = 0;
            info[6] = killed ? (status & 0x7F) : (status >> 8) & 0xFF;
        }
        if (mm::copy_to_user(infop, info, sizeof info) != 0) return -kEFAULT;
    }
    if (rusage != 0) {
        uint8_t zero[144] = {};
        if (mm::copy_to_user(rusage, zero, sizeof zero) != 0) return -kEFAULT;
    }
    return 0;
}

}  // namespace uk::process
