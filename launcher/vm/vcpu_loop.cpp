#include "launcher/vm/vcpu_loop.hpp"

#include <cerrno>

#include "launcher/common/error.hpp"
#include "launcher/common/hex.hpp"
#include "launcher/vm/exit_handler.hpp"
#include "launcher/vm/run_timeout.hpp"

namespace er::launcher {
namespace {

std::string at_rip(const KvmVcpu& vcpu) {
    try {
        return " at rip " + hex(vcpu.get_regs().rip);
    } catch (const Error&) {
        return " (rip unknown)";
    }
}

}  // namespace

VmEnd run_vcpu(KvmVcpu& vcpu, HypercallServer& server, ExitStats& stats,
               const std::string& timeout_line) {
    kvm_run* run = vcpu.run_state();
    size_t run_size = vcpu.run_size();
    VmEnd timed_out{kExitTimeout, timeout_line};
    for (;;) {
        if (RunTimeout::expired()) return timed_out;
        int err = vcpu.run_once();
        if (err == EINTR || err == EAGAIN) {
            run->immediate_exit = 0;
            continue;  // a signal kicked us out; the check above decides
        }
        if (err != 0) throw Error("failed", "KVM_RUN", err);
        try {
            if (auto end = handle_exit(*run, run_size, server, stats)) return *end;
        } catch (const GuestError& e) {
            // kvm_amd reinitialises the vCPU on a triple fault, so its rip would mislead.
            std::string where = run->exit_reason == KVM_EXIT_SHUTDOWN ? "" : at_rip(vcpu);
            return VmEnd{kExitLauncherError, std::string("guest error: ") + e.what() + where};
        }
    }
}

}  // namespace er::launcher
