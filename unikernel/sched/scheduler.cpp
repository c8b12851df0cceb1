#include "sched/scheduler.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/fpu.hpp"
#include "arch/x86/lapic.hpp"
#include "console/console.hpp"
#include "domain/hotadd.hpp"
#include "hv/hypercall.hpp"
#include "lib/format.hpp"
#include "lib/panic.hpp"
#include "mm/frame_allocator.hpp"
#include "sched/run_queue.hpp"
#include "sched/sleep_queue.hpp"
#include "time/clock.hpp"

extern "C" void uk_switch_context(uint64_t* save_rsp, uint64_t next_rsp);

namespace uk::sched {
namespace {

using domain::Domain;
using domain::State;

RunQueue g_run;
SleepQueue g_sleep;
Domain* g_running = nullptr;  // whose context is on the CPU (may be dead while it switches away)
uint32_t g_live = 0;          // domains not yet dead
uint64_t g_boot_rsp = 0;      // the boot stack's context, saved once and never resumed
bool g_report_stats = false;
bool g_persistent = false;

// A persistent enclave that just became empty: with --stats, the free frames now must equal
// those before the first domain (the hot-add soak test reads this line).
void note_domain_gone() {
    if (g_live > 0) g_live--;
    if (g_live == 0 && g_persistent && g_report_stats) {
        FixedText<96> t;
        t.str("unikernel: stats: frames_free_when_empty=").udec(mm::g_frames.free_frames());
        klog(t);
    }
}

void make_runnable(Domain& d) {
    d.state = State::runnable;
    if (!g_run.push(d.id)) panic("sched: run queue full");
}

void wake_expired() {
    if (g_sleep.empty()) return;  // no clock read (an exit without a stable TSC) when idle-free
    uint64_t now = time::monotonic_ns();
    uint32_t id;
    while (g_sleep.pop_expired(now, &id)) {
        Domain* d = domain::get(id);
        if (d->futex_waiting || d->wait_channel != nullptr) {
            d->futex_waiting = false;
            d->wait_channel = nullptr;
            d->timed_out = true;
        }
        make_runnable(*d);
    }
}

[[noreturn]] void all_done() {
    if (g_report_stats) {
        FixedText<96> t;
        t.str("unikernel: stats: frames_free_after_domains=").udec(mm::g_frames.free_frames());
        klog(t);
    }
    er_hc_exit req{};
    req.reason = ER_EXIT_NORMAL;
    req.status = 0;
    req.vector = 0xFFFFFFFF;
    hv::exit(req);
}

// Nothing runnable: wait for the next tick (which may wake a sleeper), or without a timer poll
// the clock until the earliest deadline.
void idle() {
    // Nothing can run, so handing pending output to the host delays no one.
    console::flush_all();
    // A persistent enclave asks for work once per idle wake-up (each tick at most).
    if (g_persistent && hotadd::poll(false)) return;
    if (x86::lapic::timer_running() || g_sleep.empty()) {
        // With no timer and no sleeper, every live domain waits on a futex no one can wake (one
        // thread per domain): as on Linux it hangs, until the launcher's timeout.
        if (!g_sleep.empty()) {
            uint64_t now = time::monotonic_ns();
            uint64_t next = g_sleep.next_deadline();
            x86::lapic::arm_within(next > now ? next - now : 0);
        }
        x86::wait_for_interrupt();
        return;
    }
    while (time::monotonic_ns() < g_sleep.next_deadline()) x86::pause();
}

void switch_to(Domain* next) {
    Domain* prev = g_running;
    g_running = next;
    next->state = State::running;
    if (prev == next) return;  // its context is still live
    if (prev != nullptr && prev->state != State::dead) x86::fpu::save(prev->fpu);
    domain::activate(*next);
    if (!next->started) {
        next->started = true;
        next->start_ns = time::uptime_ns();
    }
    uk_switch_context(prev != nullptr ? &prev->saved_rsp : &g_boot_rsp, next->saved_rsp);
    // Back on prev's stack: whoever switched here activated prev again.
}

// The current domain has been queued, put to sleep or retired: run the next runnable one,
// idling until there is one.
void run_next() {
    for (;;) {
        wake_expired();
        if (!g_run.empty()) break;
        if (g_live == 0 && !g_persistent) all_done();
        idle();
    }
    switch_to(domain::get(g_run.pop()));
}

}  // namespace

void report_stats_at_end(bool on) {
    g_report_stats = on;
}

void set_persistent(bool on) {
    g_persistent = on;
}

Domain* running() {
    return g_running;
}

void drop(Domain& d) {
    d.state = State::dead;
    d.futex_waiting = false;
    d.wait_channel = nullptr;
    g_run.remove(d.id);
    g_sleep.remove(d.id);
    note_domain_gone();
}

void add(Domain& d) {
    g_live++;
    make_runnable(d);
}

void start() {
    if (g_run.empty()) run_next();  // persistent: idles (and polls) until the first domain
    switch_to(domain::get(g_run.pop()));
    panic("sched: the boot context was resumed");
}

void on_tick(bool from_user) {
    console::age_all();
    wake_expired();
    // One poll exit per tick while apps run, so a spinning app cannot starve the host's queue.
    if (from_user && g_persistent) hotadd::poll(true);
    if (!from_user || g_running == nullptr || g_run.empty()) return;
    // Preempt: the interrupted app's frame stays on its kernel stack until it is picked again.
    make_runnable(*g_running);
    run_next();
}

void yield() {
    wake_expired();
    if (g_run.empty()) return;
    make_runnable(*g_running);
    run_next();
}

void sleep_until(uint64_t deadline_ns) {
    Domain& d = *g_running;
    d.state = State::sleeping;
    if (!g_sleep.insert(d.id, deadline_ns)) panic("sched: sleep queue full");
    run_next();
}

bool futex_wait(uint64_t addr, bool has_deadline, uint64_t deadline_ns) {
    Domain& d = *g_running;
    d.state = State::sleeping;
    d.futex_waiting = true;
    d.timed_out = false;
    d.futex_addr = addr;
    if (has_deadline && !g_sleep.insert(d.id, deadline_ns)) panic("sched: sleep queue full");
    run_next();
    return !d.timed_out;
}

uint32_t futex_wake(const Domain& d, uint64_t addr, uint32_t max) {
    // Futexes are private to a domain.  Each domain is one thread today, so its only possible
    // waiter is itself (running, not waiting) and this finds none; the loop is what threads need.
    uint32_t woken = 0;
    for (uint32_t id = 0; id < ER_MAX_DOMAINS && woken < max; id++) {
        Domain* w = domain::get(id);
        if (w == &d || w->id != d.id || !w->futex_waiting || w->futex_addr != addr) continue;
        w->futex_waiting = false;
        g_sleep.remove(w->id);
        make_runnable(*w);
        woken++;
    }
    return woken;
}

WaitResult wait_on(const void* channel, bool has_deadline, uint64_t deadline_ns) {
    Domain& d = *g_running;
    d.state = State::sleeping;
    d.wait_channel = channel;
    d.timed_out = false;
    if (has_deadline && !g_sleep.insert(d.id, deadline_ns)) panic("sched: sleep queue full");
    run_next();
    return d.timed_out ? WaitResult::timed_out : WaitResult::woken;
}

uint32_t wake_channel(const void* channel, uint32_t max) {
    uint32_t woken = 0;
    for (uint32_t id = 0; id < ER_MAX_DOMAINS && woken < max; id++) {
        Domain* w = domain::get(id);
        if (w == nullptr || w->state != State::sleeping || w->wait_channel != channel) continue;
        w->wait_channel = nullptr;
        g_sleep.remove(w->id);
        make_runnable(*w);
        woken++;
    }
    return woken;
}

void retire(Domain& d) {
    d.state = State::dead;
    d.futex_waiting = false;
    d.wait_channel = nullptr;
    g_run.remove(d.id);
    g_sleep.remove(d.id);
    note_domain_gone();
    run_next();
    panic("sched: a dead domain was resumed");
}

}  // namespace uk::sched
