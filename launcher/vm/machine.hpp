// One enclave VM from start to end: KVM objects, guest memory, loading, boot state, the run loop.
// What comes in has been validated already (kernel, app, args): by the time this runs, only
// KVM itself or the guest can still fail.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "launcher/vm/app_image.hpp"
#include "launcher/vm/args_blob.hpp"
#include "launcher/vm/exit_stats.hpp"
#include "launcher/vm/kernel_image.hpp"
#include "launcher/vm/vm_end.hpp"

namespace er::launcher {

struct MachineConfig {
    uint64_t mem_size;
    std::optional<double> timeout_s;  // none: no timeout
    std::string timeout_text;         // --timeout as written, for the timeout line
    std::string app_name;             // basename of the app, for exit lines
    std::string kvm_device = "/dev/kvm";
    std::string sysfs_root = "/sys";
};

struct MachineInput {
    const KernelImage& kernel;
    std::span<const uint8_t> kernel_file;
    const AppImage& app;
    const ArgsBlob& args;
};

// Runs the VM to its end.  Throws Error when KVM cannot set it up; returns how it ended
// otherwise.  `stats` is filled as it runs (valid even when this throws after start).
VmEnd run_machine(const MachineConfig& config, const MachineInput& input, ExitStats& stats);

}  // namespace er::launcher
