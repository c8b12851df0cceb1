#include "launcher/vm/run_timeout.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cmath>

#include "launcher/common/error.hpp"
#include "launcher/vm/vm_end.hpp"

namespace er::launcher {
namespace {

enum Phase : int { kBeforeVm, kVmAttached, kAfterVm };

constexpr int kTimeoutSignal = SIGALRM;
std::atomic<int> g_phase{kBeforeVm};
std::atomic<kvm_run*> g_run{nullptr};
std::atomic<const std::string*> g_line{nullptr};
volatile sig_atomic_t g_expired = 0;

// Async-signal-safe: atomics, write() and _exit() only.
void on_timeout(int) {
    g_expired = 1;
    int phase = g_phase.load();
    if (phase == kBeforeVm) {
        const std::string* line = g_line.load();
        if (line != nullptr) {
            ssize_t ignored = ::write(STDERR_FILENO, line->data(), line->size());
            (void)ignored;  // nothing better to do with a failed write on the way out
        }
        ::_exit(kExitTimeout);
    }
    kvm_run* run = g_run.load();
    if (phase == kVmAttached && run != nullptr) run->immediate_exit = 1;
}

itimerspec remaining(double seconds, std::chrono::steady_clock::time_point start) {
    using namespace std::chrono;
    double left = seconds - duration<double>(steady_clock::now() - start).count();
    itimerspec spec{};
    if (left > 0) {
        double whole = std::floor(left);
        spec.it_value.tv_sec = static_cast<time_t>(whole);
        spec.it_value.tv_nsec = static_cast<long>((left - whole) * 1e9);
    }
    // Zero would disarm the timer: a deadline already past fires at once instead.
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
    return spec;
}

}  // namespace

RunTimeout::RunTimeout(double seconds, std::chrono::steady_clock::time_point start,
                       const std::string& line) {
    g_expired = 0;
    g_run.store(nullptr);
    g_phase.store(kBeforeVm);
    set_line(line);
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
    itimerspec spec = remaining(seconds, start);
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
    g_line.store(nullptr);
    g_phase.store(kBeforeVm);
}

void RunTimeout::set_line(const std::string& line) {
    lines_.push_back(std::make_unique<const std::string>("enclave-run: " + line + "\n"));
    g_line.store(lines_.back().get());
}

bool RunTimeout::expired() {
    return g_expired != 0;
}

RunTimeout::Attach::Attach(kvm_run* run) {
    g_run.store(run);
    g_phase.store(kVmAttached);
}

RunTimeout::Attach::~Attach() {
    g_phase.store(kAfterVm);
    g_run.store(nullptr);
}

}  // namespace er::launcher
