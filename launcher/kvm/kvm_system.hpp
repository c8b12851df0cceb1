// /dev/kvm itself: the system-level ioctls (API version, CPUID, vCPU mmap size, VM creation).
#pragma once

#include <linux/kvm.h>

#include <string>
#include <vector>

#include "launcher/common/unique_fd.hpp"
#include "launcher/kvm/hypervisor.hpp"

namespace er::launcher {

class KvmSystem {
  public:
    // Opens `device` (normally /dev/kvm) and checks the API version and the backend module under
    // `sysfs_root`.  Throws Error with the one line the user sees (no KVM, no permission, ...).
    static KvmSystem open(const std::string& device = "/dev/kvm",
                          const std::string& sysfs_root = "/sys");

    int fd() const { return fd_.get(); }
    Hypervisor hypervisor() const { return hypervisor_; }
    size_t vcpu_mmap_size() const;

    // KVM_GET_SUPPORTED_CPUID: everything this KVM can show a guest, as the kernel lays out a
    // kvm_cpuid2 (uapi::CpuidHeader, then nent entries), ready for KVM_SET_CPUID2.
    std::vector<uint8_t> supported_cpuid() const;

  private:
    KvmSystem(UniqueFd fd, Hypervisor h) : fd_(std::move(fd)), hypervisor_(h) {}
    UniqueFd fd_;
    Hypervisor hypervisor_;
};

}  // namespace er::launcher
