// --timeout: a one-shot POSIX timer that signals the vCPU thread.  The no-op-ish handler sets
// kvm_run->immediate_exit, so KVM_RUN returns EINTR whether the signal lands inside KVM_RUN
// (including a halted vCPU) or just before the next one: no race can lose the kick.
#pragma once

#include <linux/kvm.h>
#include <signal.h>
#include <time.h>

namespace er::launcher {

class RunTimeout {
  public:
    // Arms the timer for `seconds` (> 0) against `run`.  One RunTimeout at a time per process.
    RunTimeout(double seconds, kvm_run* run);
    RunTimeout(const RunTimeout&) = delete;
    RunTimeout& operator=(const RunTimeout&) = delete;
    ~RunTimeout();  // disarms the timer and restores the previous signal handler

    // True once the timer has fired.
    static bool expired();

  private:
    timer_t timer_{};
    struct sigaction previous_ {};
};

}  // namespace er::launcher
