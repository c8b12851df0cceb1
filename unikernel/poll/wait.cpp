#include "poll/wait.hpp"

#include "libos-abi/enclave_abi.h"
#include "mm/user_access.hpp"
#include "sched/scheduler.hpp"
#include "signal/sigset.hpp"
#include "sys/errno.hpp"
#include "task/task.hpp"
#include "time/clock.hpp"

namespace uk::poll {
namespace {

// One channel per domain, named by the domain's id rather than by where its files live, so every
// process of the domain (each with its own descriptor table) meets the same waiters.
uint8_t g_channels[ER_MAX_DOMAINS];
static_assert(ER_MAX_DOMAINS <= 64, "domains_waiting() is a 64-bit mask");

const void* channel(const fs::DomainFiles& df) {
    return &g_channels[df.domain_id % ER_MAX_DOMAINS];
}

}  // namespace

Wait block(fs::DomainFiles& df, bool has_deadline, uint64_t deadline_ns) {
    // A pending signal the task does not block ends the wait, before or after the sleep
    // (sched::wait_on checks both), so every file wait is interruptible.
    sched::WaitResult r = sched::wait_on(channel(df), has_deadline, deadline_ns);
    if (r == sched::WaitResult::interrupted) return Wait::interrupted;
    return r == sched::WaitResult::timed_out ? Wait::timed_out : Wait::woken;
}

void notify(fs::DomainFiles& df) {
    sched::wake_channel(channel(df));
}

void notify_domain(uint32_t domain_id) {
    sched::wake_channel(&g_channels[domain_id % ER_MAX_DOMAINS]);
}

uint64_t domains_waiting() {
    // Read from the tasks themselves (a killed task never comes back to count itself out).
    uint64_t mask = 0;
    const uint8_t* first = &g_channels[0];
    for (uint32_t slot = 0; slot < task::kMaxTasks; slot++) {
        const task::Task* t = task::at(slot);
        if (t->state != task::State::sleeping) continue;
        auto* c = static_cast<const uint8_t*>(t->wait_channel);
        if (c >= first && c < first + ER_MAX_DOMAINS) mask |= 1ull << (c - first);
    }
    return mask;
}

int set_wait_mask(uint64_t user_mask, uint64_t size) {
    if (user_mask == 0) return 0;
    if (size != sizeof(uint64_t)) return -kEINVAL;
    uint64_t mask;
    if (mm::copy_from_user(&mask, user_mask, sizeof mask) != 0) return -kEFAULT;
    task::Task& t = task::current();
    t.sig.saved_mask = t.sig.blocked;
    t.sig.restore_mask = true;
    t.sig.blocked = mask & ~signal::kUnblockable;
    return 0;
}

uint64_t deadline_after(uint64_t timeout_ns) {
    uint64_t now = time::monotonic_ns();
    return timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
}

int timespec_ns(uint64_t user, uint64_t* out_ns) {
    struct {
        int64_t sec;
        int64_t nsec;
    } ts;
    if (mm::copy_from_user(&ts, user, sizeof ts) != 0) return -kEFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000) return -kEINVAL;
    constexpr uint64_t kMaxSec = UINT64_MAX / 1000000000 - 1;
    *out_ns =
        uint64_t(ts.sec) > kMaxSec ? UINT64_MAX : uint64_t(ts.sec) * 1000000000 + uint64_t(ts.nsec);
    return 0;
}

}  // namespace uk::poll
