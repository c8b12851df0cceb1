// What /dev/kvm says about confidential VMs: KVM_CAP_VM_TYPES (which KVM_CREATE_VM types it
// accepts) and whether KVM_MEMORY_ENCRYPT_OP answers on a VM.  The latter is asked of a throwaway
// VM of the default type with a NULL argument, which KVM answers without doing anything (0 when
// SEV is enabled in KVM, ENOTTY otherwise; notes/sev.md §1.1): a probe, never a launch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace er::sev {

struct KvmSevFacts {
    std::string path = "/dev/kvm";
    bool present = false;  // the path exists
    int open_err = 0;      // errno of a failed open, 0 when it opened
    // KVM_CHECK_EXTENSION(KVM_CAP_VM_TYPES): the mask (0: a kernel without the capability), or
    // the errno when the ioctl itself failed.  Unset when /dev/kvm did not open.
    std::optional<uint32_t> vm_types;
    int vm_types_err = 0;
    int create_vm_err = 0;  // errno of KVM_CREATE_VM for the throwaway VM, 0 when it worked
    // KVM_MEMORY_ENCRYPT_OP(NULL) on that VM: 0 = answered (SEV enabled), else its errno.
    // Unset when it could not be asked (no /dev/kvm, no VM).
    std::optional<int> encrypt_op_err;

    bool opened() const { return present && open_err == 0; }
    bool offers_vm_type(uint32_t type) const { return vm_types && (*vm_types >> type) & 1; }
};

// Probes `path` (normally /dev/kvm).  Never throws: every failure is a fact.
KvmSevFacts probe_kvm_sev(const std::string& path);

}  // namespace er::sev
