// What one KVM exit means.  Separate from the loop and from KVM itself so every exit reason can be
// tested with a hand-made kvm_run: hypercall OUTs are served, everything else ends the VM.
#pragma once

#include <linux/kvm.h>

#include <optional>

#include "launcher/vm/exit_stats.hpp"
#include "launcher/vm/hypercalls.hpp"
#include "launcher/vm/vm_end.hpp"

namespace er::launcher {

// Counts the exit in `stats`.  Returns nullopt to resume the vCPU, a VmEnd when the guest ended
// itself (ER_HC_EXIT); throws GuestError when the exit is one the launcher refuses (unknown port,
// wrong access size, triple fault, halt, MMIO outside RAM, KVM internal error, ...).
// `run` must be followed in memory by the data KVM points at with io.data_offset.
std::optional<VmEnd> handle_exit(const kvm_run& run, size_t run_size, HypercallServer& server,
                                 ExitStats& stats);

}  // namespace er::launcher
