// Which kernel module stands behind /dev/kvm.  Only the hardware-virtualisation backends kvm_amd
// and kvm_intel are supported; others that also answer as KVM (kvm_pvm, found on cloud VMs without
// nested virtualisation) differ in ways the guest cannot detect, so they are refused up front.
#pragma once

#include <string>

namespace er::launcher {

enum class Hypervisor { kvm_amd, kvm_intel };

// Looks at `sysfs_root`/module/{kvm_pvm,kvm_amd,kvm_intel}; throws Error with one line if the
// backend is unsupported or unknown.  `sysfs_root` is "/sys" except in tests.
Hypervisor detect_hypervisor(const std::string& sysfs_root);

const char* hypervisor_name(Hypervisor h);

}  // namespace er::launcher
