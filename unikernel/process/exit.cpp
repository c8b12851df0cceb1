#include "process/exit.hpp"

#include "domain/domain.hpp"
#include "mm/user_access.hpp"
#include "process/process.hpp"
#include "process/wait.hpp"
#include "sched/futex.hpp"
#include "sched/scheduler.hpp"

namespace uk::process {
namespace {

// CLONE_CHILD_CLEARTID / set_tid_address: Linux's mm_release writes 0 and wakes one waiter; a
// bad address is ignored (the thread still ends).
void clear_child_tid(task::Task& t) {
    if (t.clear_child_tid == 0) return;
    uint32_t zero = 0;
    if (mm::copy_to_user(t.clear_child_tid, &zero, sizeof zero) != 0) return;
    sched::futex_wake(sched::futex_key(*t.proc, t.clear_child_tid, true), ~0u, 1);  // shared
}

// p has ended with `status` (the exit code as exit_group got it).
// p (not init) has ended with wait status `wait_status`: its other tasks end, it becomes a
// zombie for its parent's wait4 (process/wait.cpp: SIGCHLD, orphans to init, memory and
// descriptors freed now), and the calling task leaves the CPU for good.
[[noreturn]] void end_forked(Process& p, int wait_status) {
    for (uint32_t i = 0; i < task::kMaxTasks; i++) {
        task::Task* t = task::at(i);
        if (t->proc == &p && t != &task::current()) sched::end_task(*t);
    }
    become_zombie(p, wait_status);
    sched::end_task(task::current());
    sched::leave_dead_task();
}

// p has ended with `status` (the exit code as exit_group got it).
[[noreturn]] void end_process(Process& p, int status) {
    domain::Domain& d = *p.dom;
    if (&p == d.init) domain::exit(d, status);
    end_forked(p, exited_status(status));
}

}  // namespace

void exit_thread(int status) {
    task::Task& t = task::current();
    Process& p = *t.proc;
    clear_child_tid(t);
    t.exit_status = status;
    if (t.tid == p.pid) {
        p.leader_exited = true;
        p.leader_status = status;
    }
    if (p.live_tasks <= 1) end_process(p, p.leader_exited ? p.leader_status : status);
    sched::end_task(t);
    sched::leave_dead_task();
}

void exit_group(int status) {
    end_process(current(), status);
}

void die_by_signal(int sig) {
    end_forked(current(), killed_status(sig));
}

}  // namespace uk::process
