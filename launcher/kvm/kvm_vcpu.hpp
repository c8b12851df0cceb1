// One virtual CPU: its fd, the shared kvm_run page, and the register ioctls the launcher uses.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "launcher/common/mapping.hpp"
#include "launcher/common/unique_fd.hpp"
#include "launcher/kvm/kvm_system.hpp"
#include "launcher/kvm/kvm_vm.hpp"

namespace er::launcher {

class KvmVcpu {
  public:
    KvmVcpu(const KvmSystem& system, const KvmVm& vm, uint32_t index);

    int fd() const { return fd_.get(); }
    kvm_run* run_state() const { return reinterpret_cast<kvm_run*>(run_.data()); }
    // Bytes of the kvm_run mapping (KVM puts I/O data after struct kvm_run, inside it).
    size_t run_size() const { return run_.size(); }

    // `cpuid` as KvmSystem::supported_cpuid() returns it.
    void set_cpuid(const std::vector<uint8_t>& cpuid);
    kvm_sregs get_sregs() const;
    void set_sregs(const kvm_sregs& sregs);
    kvm_regs get_regs() const;
    void set_regs(const kvm_regs& regs);
    // KVM_GET_TSC_KHZ; nullopt when this KVM cannot tell.
    std::optional<uint64_t> tsc_khz() const;
    // The guest's IA32_TSC through KVM_GET_MSRS (what RDTSC in the guest returns now).
    uint64_t guest_tsc() const;
    // KVM_RUN once.  Returns 0 on an exit to handle, or the errno (EINTR when kicked out).
    int run_once();

  private:
    UniqueFd fd_;
    Mapping run_;
};

}  // namespace er::launcher
