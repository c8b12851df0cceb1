// The vCPU run loop: KVM_RUN, handle the exit, repeat until the guest ends, breaks the protocol
// or the timeout fires.
#pragma once

#include <string>

#include "launcher/kvm/kvm_vcpu.hpp"
#include "launcher/vm/exit_stats.hpp"
#include "launcher/vm/hypercalls.hpp"
#include "launcher/vm/vm_end.hpp"

namespace er::launcher {

// `timeout_line` is what enclave-run prints when --timeout fires; the RunTimeout itself (if any)
// is armed by the caller.
VmEnd run_vcpu(KvmVcpu& vcpu, HypercallServer& server, ExitStats& stats,
               const std::string& timeout_line);

}  // namespace er::launcher
