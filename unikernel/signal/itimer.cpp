// ITIMER_REAL of every process: SIGALRM at its deadline.  The scheduler calls fire_timers()
// wherever it checks its sleepers' deadlines, and counts next_timer_deadline() as one when it
// idles, so an alarm wakes an idle CPU as a sleeper would.
#include "signal/signals.hpp"

namespace uk::signal {
namespace {

process::Process* armed(uint32_t slot) {
    process::Process* p = process::at(slot);
    bool on = p->state == process::State::live && p->sig.real.deadline_ns != 0;
    return on ? p : nullptr;
}

}  // namespace

bool timers_armed() {
    for (uint32_t slot = 0; slot < process::kMaxProcesses; slot++)
        if (armed(slot) != nullptr) return true;
    return false;
}

uint64_t next_timer_deadline() {
    uint64_t next = ~0ull;
    for (uint32_t slot = 0; slot < process::kMaxProcesses; slot++) {
        process::Process* p = armed(slot);
        if (p != nullptr && p->sig.real.deadline_ns < next) next = p->sig.real.deadline_ns;
    }
    return next;
}

void fire_timers(uint64_t now_ns) {
    for (uint32_t slot = 0; slot < process::kMaxProcesses; slot++) {
        process::Process* p = armed(slot);
        if (p == nullptr || p->sig.real.deadline_ns > now_ns) continue;
        RealTimer& rt = p->sig.real;
        if (rt.interval_ns == 0) {
            rt.deadline_ns = 0;
        } else {
            rt.deadline_ns += rt.interval_ns;
            // Periods missed while the CPU was elsewhere collapse into one signal, as on Linux.
            if (rt.deadline_ns <= now_ns) rt.deadline_ns = now_ns + rt.interval_ns;
        }
        Info i{};
        i.code = kSiKernel;
        raise_process(*p, kSigAlrm, i, Sender::kernel);
    }
}

}  // namespace uk::signal
