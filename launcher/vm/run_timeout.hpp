// --timeout: one POSIX timer for the whole run, armed before the launcher opens any input, so the
// deadline counts from the start of enclave-run and covers reading and packing the inputs too
// (a slow or stuck file system cannot outlast it).  What expiry does depends on the phase:
//  - before the VM runs: the signal handler writes the timeout line and exits 124 at once.
//    Nothing has started that needs an orderly end (output files are not truncated before the
//    enclave starts: output.hpp), and no read or loop of the launcher can delay it;
//  - while a vCPU is attached (Attach): the handler sets kvm_run->immediate_exit, so KVM_RUN
//    returns EINTR whether the signal lands inside KVM_RUN (including a halted vCPU) or just
//    before the next one: no race can lose the kick, and the run loop ends the VM in order;
//  - after the VM: expiry only sets expired(), which makes blocked writes give up.
#pragma once

#include <linux/kvm.h>
#include <signal.h>
#include <time.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace er::launcher {

class RunTimeout {
  public:
    // Arms the timer to fire `seconds` (> 0) after `start` (at once if that has passed).  `line`
    // (without "enclave-run: ") is what expiry before the VM prints.  One RunTimeout at a time
    // per process, made on the thread that later runs the vCPU (the signal goes to it).
    RunTimeout(double seconds, std::chrono::steady_clock::time_point start,
               const std::string& line);
    RunTimeout(const RunTimeout&) = delete;
    RunTimeout& operator=(const RunTimeout&) = delete;
    ~RunTimeout();  // disarms the timer and restores the previous signal handler

    // Replaces the line printed on expiry before the VM (once the apps' names are known).
    void set_line(const std::string& line);

    // True once the timer has fired.
    static bool expired();

    // While one exists, expiry kicks `run`'s vCPU instead of exiting; when it goes, the phase
    // after the VM begins.  A no-op when no RunTimeout is armed.
    class Attach {
      public:
        explicit Attach(kvm_run* run);
        Attach(const Attach&) = delete;
        Attach& operator=(const Attach&) = delete;
        ~Attach();
    };

  private:
    timer_t timer_{};
    struct sigaction previous_ {};
    std::vector<std::unique_ptr<const std::string>> lines_;  // every one published stays valid
};

}  // namespace er::launcher
