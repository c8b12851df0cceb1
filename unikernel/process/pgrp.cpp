// Process groups and sessions (setpgid(2), setsid(2)): what job-control shells ask.  Every lookup
// is within the caller's domain; no terminal exists, so there is no foreground group to set
// (TIOCSPGRP on the console is ENOTTY, as on any non-terminal).
#include "domain/domain.hpp"
#include "process/process.hpp"
#include "process/wait.hpp"
#include "sys/errno.hpp"
#include "task/limits.hpp"

namespace uk::process {
namespace {

// The caller (0) or process `pid` of its domain, or nullptr.
Process* target(int64_t pid) {
    Process& self = current();
    if (pid == 0) return &self;
    if (pid < 0 || pid > 0x7FFFFFFF) return nullptr;
    Process* p = find(*self.dom, uint32_t(pid));
    return p != nullptr && p->state != State::unused ? p : nullptr;
}

bool group_exists(const domain::Domain& d, uint32_t pgid, uint32_t sid) {
    for (uint32_t i = 0; i < kMaxProcesses; i++) {
        Process* p = at(i);
        if (p->state == State::live && p->dom == &d && p->pgid == pgid && p->sid == sid)
            return true;
    }
    return false;
}

}  // namespace

int64_t sys_setpgid(const sys::Args& a) {
    int64_t pid = int32_t(a.a0), pgid = int32_t(a.a1);
    if (pgid < 0) return -kEINVAL;
    Process& self = current();
    Process* p = target(pid);
    // Only the caller or one of its children.
    if (p == nullptr || (p != &self && p->parent != &self)) return -kESRCH;
    if (p->sid != self.sid) return -kEPERM;
    if (p->pid == p->sid) return -kEPERM;  // a session leader keeps its group
    uint32_t to = pgid == 0 ? p->pid : uint32_t(pgid);
    if (to != p->pid && !group_exists(*self.dom, to, self.sid)) return -kEPERM;
    p->pgid = to;
    return 0;
}

int64_t sys_getpgid(const sys::Args& a) {
    Process* p = target(int32_t(a.a0));
    return p != nullptr ? int64_t(p->pgid) : -kESRCH;
}

int64_t sys_getpgrp(const sys::Args&) {
    return current().pgid;
}

int64_t sys_getsid(const sys::Args& a) {
    Process* p = target(int32_t(a.a0));
    return p != nullptr ? int64_t(p->sid) : -kESRCH;
}

int64_t sys_setsid(const sys::Args&) {
    Process& self = current();
    // A group leader cannot start a session (its group would straddle two): Linux's EPERM, which
    // init (pid 1, its own group) always gets.
    if (self.pgid == self.pid || group_exists(*self.dom, self.pid, self.sid)) return -kEPERM;
    self.sid = self.pgid = self.pid;
    return self.sid;
}

}  // namespace uk::process
