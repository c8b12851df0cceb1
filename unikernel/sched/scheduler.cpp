#include "sched/scheduler.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/fpu.hpp"
#include "arch/x86/lapic.hpp"
#include "arch/x86/stacks.hpp"
#include "console/console.hpp"
#include "domain/hotadd.hpp"
#include "hv/hypercall.hpp"
#include "lib/format.hpp"
#include "lib/panic.hpp"
#include "mm/frame_allocator.hpp"
#include "mm/page_table.hpp"
#include "net/inet/inet_poll.hpp"
#include "sched/run_queue.hpp"
#include "sched/sleep_queue.hpp"
#include "sys/syscall.hpp"
#include "signal/signals.hpp"
#include "sys/syscall.hpp"
#include "time/clock.hpp"

extern "C" void uk_switch_context(uint64_t* save_rsp, uint64_t next_rsp);

namespace uk::sched {
namespace {

using domain::Domain;
using task::State;
using task::Task;

// Two-level round robin: domains with a runnable task, and per domain its runnable tasks.
RunQueue g_domains;
RunQueue g_tasks[ER_MAX_DOMAINS];
SleepQueue g_sleep;           // task slots
Task* g_running = nullptr;    // whose context is on the CPU (may be dead while it switches away)
Task* g_reap = nullptr;       // a dead task whose stack the scheduler's own context frees
uint32_t g_live = 0;          // tasks whose stacks are not yet freed
uint64_t g_boot_rsp = 0;      // throwaway: where switches from the scheduler's stack save rsp
uint64_t g_wait_seq = 0;      // futex waiters' arrival order
bool g_report_stats = false;
// Guest-recorded start-up timestamps for --stats (uptime ns; bench/ splits start time by them):
// domains about to be created (kernel boot done), first switch into an app (its first
// instruction follows at once).
uint64_t g_domains_ns = 0;
uint64_t g_first_app_ns = 0;
bool g_persistent = false;

// Every task's stack is free: with --stats, a persistent enclave that just became empty logs the
// free frames, which must equal those before the first domain (the hot-add soak test reads it).
void note_task_gone() {
    if (g_live > 0) g_live--;
    if (g_live == 0 && g_persistent && g_report_stats) {
        FixedText<96> t;
        t.str("unikernel: stats: frames_free_when_empty=").udec(mm::g_frames.free_frames());
        klog(t);
    }
}

void release_now(Task& t) {
    Domain& d = *t.dom;
    task::release(t);
    domain::on_task_released(d);
    note_task_gone();
}

void make_runnable(Task& t) {
    t.state = State::runnable;
    uint32_t dom = t.dom->id;
    if (!g_tasks[dom].push(t.slot) || !g_domains.push(dom)) panic("sched: run queue full");
}

void unqueue(Task& t) {
    uint32_t dom = t.dom->id;
    g_tasks[dom].remove(t.slot);
    if (g_tasks[dom].empty()) g_domains.remove(dom);
    g_sleep.remove(t.slot);
}

// The next task: the head domain's head task; the domain goes to the back while it has more.
Task* pop_next() {
    uint32_t dom = g_domains.pop();
    Task* t = task::at(g_tasks[dom].pop());
    if (!g_tasks[dom].empty()) g_domains.push(dom);
    return t;
}

void clear_wait(Task& t) {
    t.futex_waiting = false;
    t.wait_channel = nullptr;
}

void wake_expired() {
    // No clock read (an exit without a stable TSC) when nothing waits for a time.
    if (g_sleep.empty() && !signal::timers_armed()) return;
    uint64_t now = time::monotonic_ns();
    signal::fire_timers(now);  // ITIMER_REAL: SIGALRM may wake a sleeper (signal/raise.cpp)
    uint32_t slot;
    while (g_sleep.pop_expired(now, &slot)) {
        Task* t = task::at(slot);
        if (t->futex_waiting || t->wait_channel != nullptr) {
            clear_wait(*t);
            t->timed_out = true;
        }
        make_runnable(*t);
    }
}

[[noreturn]] void all_done() {
    if (g_report_stats) {
        FixedText<224> t;
        t.str("unikernel: stats: frames_free_after_domains=").udec(mm::g_frames.free_frames());
        // On the same line: each log line is an exit, and a hello run's budget counts them.
        t.str(" syscalls=").udec(sys::syscall_count());
        // Start-up split (bench/run.sh): vCPU creation -> clock init, -> domains, -> first app
        // instruction, -> the end, all read from the guest's TSC.
        t.str(" boot_tsc_ns=").udec(time::boot_tsc_ns());
        t.str(" domains_ns=").udec(g_domains_ns).str(" first_app_ns=").udec(g_first_app_ns);
        t.str(" end_ns=").udec(time::tsc_clock() ? time::uptime_ns() : 0);
        klog(t);
    }
    er_hc_exit req{};
    req.reason = ER_EXIT_NORMAL;
    req.status = 0;
    req.vector = 0xFFFFFFFF;
    hv::exit(req);
}

// The longest one idle wait in the host's socket poll lasts: then the loop goes round again (a
// bound, not a period; nothing polls faster than the sockets' own events).
constexpr uint64_t kNetIdleMaxNs = 1'000'000'000;

// Nothing runnable: wait for the next tick (which may wake a sleeper), or without a timer poll
// the clock until the earliest deadline.
void idle() {
    // Nothing can run, so handing pending output to the host delays no one.
    console::flush_all();
    // A persistent enclave asks for work once per idle wake-up (each tick at most).
    if (g_persistent && hotadd::poll(false)) return;
    // An armed ITIMER_REAL is a deadline like a sleeper's.
    uint64_t next = g_sleep.empty() ? ~0ull : g_sleep.next_deadline();
    uint64_t timer = signal::next_timer_deadline();
    if (timer < next) next = timer;
    // A task waits on a host socket: wait in the host's poll of the waiters' sockets (up to the
    // next deadline) instead of HLT, which would never learn that one became ready.  Persistent:
    // no longer than a tick, so the host's queue is still asked for work as often.
    if (net::waiting()) {
        uint64_t now = time::monotonic_ns();
        uint64_t wait = next == ~0ull ? kNetIdleMaxNs : next > now ? next - now : 0;
        uint64_t tick = x86::lapic::period_ns();
        if (g_persistent && tick != 0 && wait > tick) wait = tick;
        if (wait > kNetIdleMaxNs) wait = kNetIdleMaxNs;
        if (net::poll_waiting(wait)) return;
    }
    if (x86::lapic::timer_running() || next == ~0ull) {
        // With no timer and no sleeper, every live task waits on a futex no one can wake: as on
        // Linux it hangs, until the launcher's timeout.
        if (next != ~0ull) {
            uint64_t now = time::monotonic_ns();
            x86::lapic::arm_within(next > now ? next - now : 0);
        }
        x86::wait_for_interrupt();
        return;
    }
    while (time::monotonic_ns() < next) x86::pause();
}

void switch_to(Task* next) {
    Task* prev = g_running;
    g_running = next;
    next->state = State::running;
    if (prev == next) return;  // its context is still live
    if (prev != nullptr) x86::fpu::save(prev->fpu);
    task::activate(*next);
    Domain& d = *next->dom;
    if (!d.started) {
        d.started = true;
        d.start_ns = time::uptime_ns();
        if (g_first_app_ns == 0) g_first_app_ns = d.start_ns;
    }
    uk_switch_context(prev != nullptr ? &prev->saved_rsp : &g_boot_rsp, next->saved_rsp);
    // Back on prev's stack: whoever switched here activated prev again.
}

[[noreturn]] void reap_and_run();
[[noreturn]] void leave_for_reaper();

// The current task has been queued, put to sleep or ended: run the next runnable one, idling
// until there is one.  A dead current task is freed from the scheduler's own stack first.
void run_next() {
    for (;;) {
        if (g_running != nullptr && g_running->state == State::dead) leave_for_reaper();
        wake_expired();
        if (!g_domains.empty()) break;
        if (g_live == 0 && !g_persistent) all_done();
        idle();
    }
    switch_to(pop_next());
}

// The scheduler's own context, on the boot stack (nothing lives there after start()): a fresh
// frame each time, whose return address is reap_and_run.
[[noreturn]] void leave_for_reaper() {
    g_reap = g_running;
    g_running = nullptr;
    uint64_t top = reinterpret_cast<uint64_t>(uk_kernel_stack_top) & ~uint64_t(15);
    auto* sp = reinterpret_cast<uint64_t*>(top - 16);  // rsp % 16 == 8 at entry, as after a call
    *sp = reinterpret_cast<uint64_t>(&reap_and_run);
    for (int i = 0; i < 6; i++) *--sp = 0;  // rbp, rbx, r12-r15 for uk_switch_context to pop
    uint64_t scratch;
    uk_switch_context(&scratch, reinterpret_cast<uint64_t>(sp));
    panic("sched: a dead task was resumed");
}

[[noreturn]] void reap_and_run() {
    // Off the dead task's address space: its domain may end now and free it.
    x86::write_cr3(mm::g_kernel_pt.root());
    Task* t = g_reap;
    g_reap = nullptr;
    if (t != nullptr) release_now(*t);
    run_next();
    panic("sched: the scheduler's context was resumed");
}

}  // namespace

void report_stats_at_end(bool on) {
    g_report_stats = on;
    // Called once by kmain right before the first domain is created: kernel boot is done.
    if (time::tsc_clock()) g_domains_ns = time::uptime_ns();
}

void set_persistent(bool on) {
    g_persistent = on;
}

Task* running() {
    return g_running;
}

void add(Domain& d) {
    Task* t = task::find(d, 1);
    if (t == nullptr) panic("sched: a created domain has no first task");
    add_task(*t);
}

void add_task(Task& t) {
    g_live++;
    make_runnable(t);
}

void end_task(Task& t) {
    if (t.state == State::dead || t.state == State::unused) return;
    unqueue(t);
    clear_wait(t);
    t.state = State::dead;
    if (t.proc->live_tasks > 0) t.proc->live_tasks--;
    if (&t != g_running) release_now(t);
}

void leave_dead_task() {
    run_next();
    panic("sched: a dead task was resumed");
}

void start() {
    if (g_domains.empty()) run_next();  // persistent: idles (and polls) until the first domain
    switch_to(pop_next());
    panic("sched: the boot context was resumed");
}

void on_tick(bool from_user) {
    console::age_all();
    wake_expired();
    // Socket caches age; while apps run, tasks waiting on host sockets learn of them once a tick.
    net::on_tick(from_user);
    // One poll exit per tick while apps run, so a spinning app cannot starve the host's queue.
    if (from_user && g_persistent) hotadd::poll(true);
    if (!from_user || g_running == nullptr || g_domains.empty()) return;
    // Preempt: the interrupted app's frame stays on its kernel stack until it is picked again.
    make_runnable(*g_running);
    run_next();
}

void yield() {
    wake_expired();
    if (g_domains.empty()) return;
    make_runnable(*g_running);
    run_next();
}

bool sleep_until(uint64_t deadline_ns) {
    Task& t = *g_running;
    if (signal::deliverable(t) != 0) return true;
    t.state = State::sleeping;
    if (!g_sleep.insert(t.slot, deadline_ns)) panic("sched: sleep queue full");
    run_next();
    return signal::deliverable(t) != 0;
}

bool futex_wait(const task::FutexKey& key, uint32_t bitset, bool has_deadline,
                uint64_t deadline_ns) {
    Task& t = *g_running;
    t.state = State::sleeping;
    t.futex_waiting = true;
    t.timed_out = false;
    t.futex_key = key;
    t.futex_bitset = bitset;
    t.wait_seq = ++g_wait_seq;
    if (has_deadline && !g_sleep.insert(t.slot, deadline_ns)) panic("sched: sleep queue full");
    run_next();
    return !t.timed_out;
}

void wake(Task& t) {
    if (t.state != State::sleeping) return;
    clear_wait(t);
    g_sleep.remove(t.slot);
    make_runnable(t);
}

WaitResult wait_on(const void* channel, bool has_deadline, uint64_t deadline_ns) {
    Task& t = *g_running;
    if (signal::deliverable(t) != 0) return WaitResult::interrupted;
    t.state = State::sleeping;
    t.wait_channel = channel;
    t.timed_out = false;
    if (has_deadline && !g_sleep.insert(t.slot, deadline_ns)) panic("sched: sleep queue full");
    run_next();
    if (t.timed_out) return WaitResult::timed_out;
    return signal::deliverable(t) != 0 ? WaitResult::interrupted : WaitResult::woken;
}

uint32_t wake_channel(const void* channel, uint32_t max) {
    uint32_t woken = 0;
    for (uint32_t slot = 0; slot < task::kMaxTasks && woken < max; slot++) {
        Task* t = task::at(slot);
        if (t->state != State::sleeping || t->wait_channel != channel) continue;
        wake(*t);
        woken++;
    }
    return woken;
}

}  // namespace uk::sched
