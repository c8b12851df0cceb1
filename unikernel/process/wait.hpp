// The process tree of a domain (docs/guest.md "Processes"): a process that ends becomes a zombie
// holding its wait status until its parent reaps it with wait4 or waitid; its children go to the
// nearest PR_SET_CHILD_SUBREAPER ancestor or the domain's init.  A tree never leaves its domain:
// parents, children and process groups are only ever looked up among the domain's own processes.
#pragma once

#include <stdint.h>

#include "sys/syscall.hpp"

namespace uk::process {

struct Process;

// Wait statuses (the word wait4 stores): an exit code, or the killing signal.
constexpr int exited_status(int code) {
    return (code & 0xFF) << 8;
}
constexpr int killed_status(int sig) {
    return sig & 0x7F;
}

// p (not its domain's init) has ended with `wait_status`, its tasks are gone or going: its
// address space and descriptors are freed now (the CPU must not be on its CR3), its children are
// reparented, it becomes a zombie, and its parent gets its exit signal (SIGCHLD) and a wake-up.
// A parent that ignores SIGCHLD (SIG_IGN or SA_NOCLDWAIT) never sees a zombie: p is reaped at
// once, as Linux does.
void become_zombie(Process& p, int wait_status);

int64_t sys_wait4(const sys::Args& a);
int64_t sys_waitid(const sys::Args& a);

// Process groups and sessions, as far as shells need them (setpgid, getpgid, getpgrp, setsid,
// getsid), within the caller's domain.
int64_t sys_setpgid(const sys::Args& a);
int64_t sys_getpgid(const sys::Args& a);
int64_t sys_getpgrp(const sys::Args& a);
int64_t sys_setsid(const sys::Args& a);
int64_t sys_getsid(const sys::Args& a);

}  // namespace uk::process
