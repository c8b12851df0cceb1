// Raising signals: the pending sets, the ignore-at-send rule, the pid-namespace init's
// protection, and the wake-up of a thread blocked in an interruptible wait.
#include "sched/scheduler.hpp"
#include "signal/signals.hpp"

namespace uk::signal {
namespace {

// SIG_DFL or SIG_IGN that amounts to "nothing happens".  Stop signals are ignored: no job control
// stop exists in a domain (docs/guest.md "Signals").
bool ignored_action(const Action& a, uint32_t sig) {
    if (sig == kSigKill || sig == kSigStop) return false;
    if (a.handler == kSigIgn) return true;
    return a.handler == kSigDfl && default_action(sig) != Default::terminate;
}

// Linux's sig_ignored(): a blocked signal stays pending whatever its action (the action may
// change before it is unblocked).
bool drop_at_send(process::Process& p, uint64_t blocked, uint32_t sig, Sender from) {
    if (blocked & bit(sig)) return false;
    const Action& a = p.sig.action[sig - 1];
    if (ignored_action(a, sig)) return true;
    // SIGNAL_UNKILLABLE: an init with SIG_DFL only dies of SIGKILL (or stops on SIGSTOP) sent
    // from outside its namespace.
    bool forced = from == Sender::host && (sig == kSigKill || sig == kSigStop);
    return is_init(p) && a.handler == kSigDfl && !forced;
}

bool live(const task::Task& t) {
    return t.state != task::State::unused && t.state != task::State::dead;
}

// The thread that takes a process-directed signal: one that does not block it, the first
// (normally the thread group leader) otherwise.
task::Task* taker(process::Process& p, uint32_t sig) {
    task::Task* first = nullptr;
    for (uint32_t slot = 0; slot < task::kMaxTasks; slot++) {
        task::Task* t = task::at(slot);
        if (!live(*t) || t->proc != &p) continue;
        if (!(t->sig.blocked & bit(sig))) return t;
        if (first == nullptr) first = t;
    }
    return first;
}

// The one place a blocked task hears of a signal: an interruptible wait (nanosleep, futex,
// wait_on) ends, and it finds the signal deliverable (sched/scheduler.cpp).
void wake_if_deliverable(task::Task& t, uint32_t sig) {
    if ((!(t.sig.blocked & bit(sig)) || sig == kSigKill) && t.state == task::State::sleeping)
        sched::wake(t);
}

Info* thread_slot(ThreadSignals& ts, uint32_t sig) {
    Info* free = nullptr;
    for (Info& i : ts.info) {
        if (i.signo == sig) return &i;
        if (i.signo == 0 && free == nullptr) free = &i;
    }
    return free;
}

}  // namespace

void raise_process(process::Process& p, uint32_t sig, const Info& info, Sender from) {
    if (sig == 0 || sig > kNsig) return;
    task::Task* t = taker(p, sig);
    if (t == nullptr || drop_at_send(p, t->sig.blocked, sig, from)) return;
    ProcessSignals& ps = p.sig;
    if (!(ps.pending & bit(sig))) {
        ps.pending |= bit(sig);
        ps.info[sig - 1] = info;
    }
    wake_if_deliverable(*t, sig);
}

void raise_thread(task::Task& t, uint32_t sig, const Info& info, Sender from) {
    if (sig == 0 || sig > kNsig || drop_at_send(*t.proc, t.sig.blocked, sig, from)) return;
    ThreadSignals& ts = thread_of(t);
    if (!(ts.pending & bit(sig))) {
        ts.pending |= bit(sig);
        // No free slot (more than kThreadInfoSlots different signals pending): the signal is
        // still delivered, with an info naming only the kernel as its sender.
        if (Info* slot = thread_slot(ts, sig); slot != nullptr) {
            *slot = info;
            slot->signo = uint8_t(sig);
        }
    }
    wake_if_deliverable(t, sig);
}

void raise_sigchld(process::Process& parent, uint32_t child_pid, int32_t code, int32_t status) {
    Info i{};
    i.code = code;
    i.pid = child_pid;
    i.status = status;
    raise_process(parent, kSigChld, i, Sender::kernel);
}

void raise_sigpipe(task::Task& t) {
    Info i{};
    i.code = kSiUser;  // Linux's send_sig(SIGPIPE, current, 0): SI_USER from the task itself
    i.pid = t.proc->pid;
    raise_thread(t, kSigPipe, i, Sender::kernel);
}

uint64_t deliverable(task::Task& t) {
    return (thread_of(t).pending | process_of(t).pending) & ~thread_of(t).blocked;
}

uint32_t dequeue(task::Task& t, uint64_t among, Info* info) {
    ThreadSignals& ts = thread_of(t);
    ProcessSignals& ps = process_of(t);
    uint64_t set = (ts.pending | ps.pending) & among;
    if (set == 0) return 0;
    uint64_t pick = (set & kSynchronous) != 0 ? set & kSynchronous : set;
    uint32_t sig = uint32_t(__builtin_ctzll(pick)) + 1;
    *info = Info{};
    if (ts.pending & bit(sig)) {
        ts.pending &= ~bit(sig);
        for (Info& i : ts.info) {
            if (i.signo == sig) {
                *info = i;
                i = Info{};
                break;
            }
        }
        if (info->signo == 0) info->code = kSiKernel;
    } else {
        ps.pending &= ~bit(sig);
        *info = ps.info[sig - 1];
    }
    info->signo = uint8_t(sig);
    return sig;
}

bool queue_fault(task::Task& t, uint32_t sig, int32_t code, uint64_t addr, uint16_t trapno,
                 uint32_t error_code) {
    const Action& a = process_of(t).action[sig - 1];
    // Linux's force_sig_fault: a blocked or ignored fault signal is reset to SIG_DFL and kills.
    if (a.handler == kSigDfl || a.handler == kSigIgn || (thread_of(t).blocked & bit(sig)))
        return false;
    Info i{};
    i.code = code;
    i.addr = addr;
    i.trapno = trapno;
    i.status = int32_t(error_code);
    i.fault = true;
    ThreadSignals& ts = thread_of(t);
    ts.pending &= ~bit(sig);  // this fault's info, not an older raise's
    if (Info* slot = thread_slot(ts, sig); slot != nullptr) slot->signo = 0;
    raise_thread(t, sig, i, Sender::kernel);
    return true;
}

}  // namespace uk::signal
