// One KVM virtual machine: its fd, the in-kernel interrupt controller and memory slots.
#pragma once

#include <cstdint>

#include "launcher/common/unique_fd.hpp"
#include "launcher/kvm/kvm_system.hpp"

namespace er::launcher {

class KvmVm {
  public:
    // KVM_CREATE_VM, KVM_SET_TSS_ADDR (VMX needs three pages for real-mode emulation; they sit
    // outside guest RAM at `tss_addr`), KVM_CREATE_IRQCHIP (the LAPIC timer, for later).
    KvmVm(const KvmSystem& system, uint64_t tss_addr);

    int fd() const { return fd_.get(); }
    void set_memory(uint32_t slot, uint64_t gpa, uint64_t size, void* host);

  private:
    UniqueFd fd_;
};

}  // namespace er::launcher
