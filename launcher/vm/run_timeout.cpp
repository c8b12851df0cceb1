#include "launcher/vm/run_timeout.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cmath>

#include "launcher/common/error.hpp"

namespace er::launcher {
namespace {

constexpr int kTimeoutSignal = SIGALRM;
std::atomic<kvm_run*> g_run{nullptr};
volatile sig_atomic_t g_expired = 0;

void on_timeout(int) {
    g_expired = 1;
    kvm_run* run = g_run.load(std::memory_order_relaxed);
    if (run != nullptr) run->immediate_exit = 1;
}

}  // namespace

RunTimeout::RunTimeout(double seconds, kvm_run* run) {
    g_expired = 0;
    g_run.store(run);
    struct sigaction action {};
    action.sa_handler = on_timeout;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: KVM_RUN must come back with EINTR
    if (::sigaction(kTimeoutSignal, &action, &previous_) != 0) throw_errno("failed", "sigaction");

    sigevent event{};
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = kTimeoutSignal;
    event._sigev_un._tid = static_cast<pid_t>(::syscall(SYS_gettid));
    if (::timer_create(CLOCK_MONOTONIC, &event, &timer_) != 0) {
        int err = errno;
        ::sigaction(kTimeoutSignal, &previous_, nullptr);
        throw Error("failed", "timer_create", err);
    }
    itimerspec spec{};
    double whole = std::floor(seconds);
    spec.it_value.tv_sec = static_cast<time_t>(whole);
    spec.it_value.tv_nsec = static_cast<long>((seconds - whole) * 1e9);
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
    if (::timer_settime(timer_, 0, &spec, nullptr) != 0) {
        int err = errno;
        ::timer_delete(timer_);
        ::sigaction(kTimeoutSignal, &previous_, nullptr);
        throw Error("failed", "timer_settime", err);
    }
}

RunTimeout::~RunTimeout() {
    ::timer_delete(timer_);
    ::sigaction(kTimeoutSignal, &previous_, nullptr);
    g_run.store(nullptr);
}

bool RunTimeout::expired() {
    return g_expired != 0;
}

}  // namespace er::launcher
