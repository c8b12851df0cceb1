// Launching a confidential guest through the real kernel interfaces (kvm_amd and the PSP behind
// /dev/sev): the VM set-up commands each mode needs plus the ConfidentialLaunch commands, every
// ioctl through one IoctlPort.  The exact ioctl sequence of each mode, with every struct, is in
// docs/sev.md "Launch sequences"; tests/unit/sev/launch_sequence_test.cpp proves it byte for byte.
//
// The launcher calls, in this order:
//     auto launch = make_kernel_launch(mode, port, kvm_fd, sev_fd, options);
//     UniqueFd vm = launch->create_vm();   // KVM_CREATE_VM of the mode's type
//     launch->init();                      // KVM_SEV_INIT2, or the legacy INIT / ES_INIT
//     launch->set_memory(slot, gpa, size, host);   // each RAM slot, instead of the launcher's
//                                                  // own KVM_SET_USER_MEMORY_REGION
//     launch->start(policy);
//     launch->update(region) ...           // every measured region, in the documented order
//     (create the vCPUs on `vm` and set their registers: not through this interface)
//     launch->finish(vmsas, host_data);    // SEV/ES: VMSA update, measure, finish; SNP: finish
//     launch->launch_measurement();        // SEV/ES: the LAUNCH_MEASURE blob
// Any failure throws LaunchError: one line naming the command, the guest address where there is
// one, errno's text and the firmware status (SEV_RET_*) where the firmware answered.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "launcher/common/unique_fd.hpp"
#include "sev/launch/confidential_launch.hpp"
#include "sev/launch/ioctl_port.hpp"

namespace er::sev {

struct KernelLaunchOptions {
    // SEV / SEV-ES: KVM has KVM_SEV_INIT2 (the KVM_X86_SEV_VMSA_FEATURES device attribute exists,
    // Linux 6.10+): a VM of type KVM_X86_SEV(_ES)_VM + INIT2.  Otherwise a default VM + the
    // legacy KVM_SEV_INIT / KVM_SEV_ES_INIT (whose VMSA features kvm_amd's debug_swap decides).
    // SNP always uses INIT2.
    bool init2 = true;
    // INIT2's vmsa_features for SEV-ES and SNP: only bits in the KVM_X86_SEV_VMSA_FEATURES
    // attribute's mask (DebugSwap = bit 5).  It enters the VMSAs and so the measurement.  SEV: 0.
    std::uint64_t vmsa_features = 0;
    // INIT2's ghcb_version for SEV-ES and SNP (SNP needs 2).  SEV: 0.
    std::uint16_t ghcb_version = 2;
};

// LAUNCH_MEASURE's output (SEV, SEV-ES): MEASURE[32] || MNONCE[16] (SEV API 55766, LAUNCH_MEASURE).
using SevMeasurement = std::array<std::uint8_t, 48>;

class KernelLaunch : public ConfidentialLaunch {
  public:
    // KVM_CREATE_VM on kvm_fd with the mode's VM type.  The caller owns the VM fd and keeps it
    // open for as long as it uses this object (which remembers the number).
    virtual launcher::UniqueFd create_vm() = 0;
    // SNP: KVM_ENABLE_CAP(KVM_CAP_EXIT_HYPERCALL, KVM_HC_MAP_GPA_RANGE) so the guest's page-state
    // changes reach the launcher, then KVM_SEV_INIT2.  SEV/ES: INIT2 or the legacy INIT.
    virtual void init() = 0;
    // One RAM slot: `host` is the launcher's mapping (page aligned) of [gpa, gpa + size).
    // SNP: a guest_memfd of `size` bytes (kept by this object) as the private backing and `host`
    // as the shared one (KVM_SET_USER_MEMORY_REGION2).  SEV/ES: KVM_SET_USER_MEMORY_REGION, then
    // KVM_MEMORY_ENCRYPT_REG_REGION, which pins the pages the firmware encrypts.
    virtual void set_memory(std::uint32_t slot, std::uint64_t gpa, std::uint64_t size,
                            void* host) = 0;
    // The LAUNCH_MEASURE blob after finish() (SEV, SEV-ES); nullopt for SNP, whose measurement
    // is in the attestation report.
    virtual std::optional<SevMeasurement> launch_measurement() const = 0;
    virtual LaunchMode mode() const = 0;
};

// Asks /dev/kvm for the KVM_X86_SEV_VMSA_FEATURES attribute: the vmsa_features mask
// KVM_SEV_INIT2 accepts, or nullopt where KVM has no INIT2 (before Linux 6.10: then SEV and
// SEV-ES need options.init2 = false, and SNP is impossible).  Which of the bits to ask for is the
// caller's choice: they enter the VMSAs and so the measurement.
std::optional<std::uint64_t> probe_vmsa_features(IoctlPort& port, int kvm_fd);

// kvm_fd (/dev/kvm) and sev_fd (/dev/sev, opened O_RDWR) stay the caller's and must outlive the
// launch.  `port` too.
std::unique_ptr<KernelLaunch> make_kernel_launch(LaunchMode mode, IoctlPort& port, int kvm_fd,
                                                 int sev_fd, const KernelLaunchOptions& options);

// "SEV_RET_INVALID_PARAM" for 0x16 (psp-sev.h sev_ret_code; the kernel's misspelt
// SEV_RET_INAVLID_CONFIG is given its spec name), "SEV_RET_0x2a" for a code it does not know.
std::string sev_ret_name(std::uint32_t code);

}  // namespace er::sev
