#include "launcher/kvm/kvm_vm.hpp"

#include <sys/ioctl.h>

#include "launcher/common/error.hpp"

namespace er::launcher {

KvmVm::KvmVm(const KvmSystem& system, uint64_t tss_addr) {
    int fd = ::ioctl(system.fd(), KVM_CREATE_VM, 0);
    if (fd < 0) throw_errno("failed", "KVM_CREATE_VM");
    fd_ = UniqueFd(fd);
    if (::ioctl(fd_.get(), KVM_SET_TSS_ADDR, static_cast<unsigned long>(tss_addr)) != 0) {
        throw_errno("failed", "KVM_SET_TSS_ADDR");
    }
    if (::ioctl(fd_.get(), KVM_CREATE_IRQCHIP, 0) != 0) throw_errno("failed", "KVM_CREATE_IRQCHIP");
}

void KvmVm::set_memory(uint32_t slot, uint64_t gpa, uint64_t size, void* host) {
    kvm_userspace_memory_region region{};
    region.slot = slot;
    region.guest_phys_addr = gpa;
    region.memory_size = size;
    region.userspace_addr = reinterpret_cast<uint64_t>(host);
    if (::ioctl(fd_.get(), KVM_SET_USER_MEMORY_REGION, &region) != 0) {
        throw_errno("failed for " + std::to_string(size) + " bytes at GPA 0",
                    "KVM_SET_USER_MEMORY_REGION");
    }
}

}  // namespace er::launcher
