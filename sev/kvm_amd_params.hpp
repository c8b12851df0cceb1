// The kvm_amd module's SEV switches as the running kernel reports them under
// SYSFS/module/kvm_amd/parameters/{sev,sev_es,sev_snp}.  kvm_amd rewrites them to the effective
// value at the end of its hardware setup, so "N" means KVM will not run such guests, whatever
// the command line asked (notes/sev.md §1.1).  A parameter file that does not exist means the
// kernel has no host support for that mode at all (sev_snp before Linux 6.11, sev_es before
// 5.11, sev without CONFIG_KVM_AMD_SEV).
#pragma once

#include <string>

namespace er::sev {

struct ModuleParam {
    enum class State { absent, on, off, unreadable };
    State state = State::absent;
    std::string text;  // the value as read ("Y", "N", "1", ...), or the errno text if unreadable
};

struct KvmAmdParams {
    bool loaded = false;  // SYSFS/module/kvm_amd is a directory
    ModuleParam sev;
    ModuleParam sev_es;
    ModuleParam sev_snp;
};

// Reads the three parameters under `sysfs_root` ("/sys" except in tests).  Never throws for a
// missing or unreadable file: that is a fact to report.
KvmAmdParams read_kvm_amd_params(const std::string& sysfs_root);

// Parses one parameter file's text: Y/y/1 on, N/n/0 off (a kernel bool param prints Y or N).
ModuleParam::State param_state(const std::string& text);

}  // namespace er::sev
