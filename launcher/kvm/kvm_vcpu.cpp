#include "launcher/kvm/kvm_vcpu.hpp"

#include <sys/ioctl.h>

#include <cerrno>
#include <memory>

#include "launcher/common/error.hpp"
#include "launcher/kvm/uapi.hpp"

namespace er::launcher {

KvmVcpu::KvmVcpu(const KvmSystem& system, const KvmVm& vm, uint32_t index) {
    int fd = ::ioctl(vm.fd(), KVM_CREATE_VCPU, static_cast<unsigned long>(index));
    if (fd < 0) throw_errno("failed", "KVM_CREATE_VCPU");
    fd_ = UniqueFd(fd);
    size_t size = system.vcpu_mmap_size();
    void* addr = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0);
    if (addr == MAP_FAILED) throw_errno("cannot map the kvm_run page", "KVM_CREATE_VCPU");
    run_ = Mapping(addr, size);
}

void KvmVcpu::set_cpuid(const std::vector<uint8_t>& cpuid) {
    if (::ioctl(fd_.get(), uapi::kSetCpuid2, cpuid.data()) != 0) {
        throw_errno("failed", "KVM_SET_CPUID2");
    }
}

kvm_sregs KvmVcpu::get_sregs() const {
    kvm_sregs sregs{};
    if (::ioctl(fd_.get(), KVM_GET_SREGS, &sregs) != 0) throw_errno("failed", "KVM_GET_SREGS");
    return sregs;
}

void KvmVcpu::set_sregs(const kvm_sregs& sregs) {
    if (::ioctl(fd_.get(), KVM_SET_SREGS, &sregs) != 0) throw_errno("failed", "KVM_SET_SREGS");
}

kvm_regs KvmVcpu::get_regs() const {
    kvm_regs regs{};
    if (::ioctl(fd_.get(), KVM_GET_REGS, &regs) != 0) throw_errno("failed", "KVM_GET_REGS");
    return regs;
}

void KvmVcpu::set_regs(const kvm_regs& regs) {
    if (::ioctl(fd_.get(), KVM_SET_REGS, &regs) != 0) throw_errno("failed", "KVM_SET_REGS");
}

std::optional<uint64_t> KvmVcpu::tsc_khz() const {
    int khz = ::ioctl(fd_.get(), KVM_GET_TSC_KHZ, 0);
    if (khz <= 0) return std::nullopt;
    return static_cast<uint64_t>(khz);
}

uint64_t KvmVcpu::guest_tsc() const {
    constexpr uint32_t kMsrIa32Tsc = 0x10;
    struct {
        uapi::MsrsHeader header;
        kvm_msr_entry entry;
    } msrs{};
    msrs.header.nmsrs = 1;
    msrs.entry.index = kMsrIa32Tsc;
    if (::ioctl(fd_.get(), uapi::kGetMsrs, &msrs) != 1) {
        throw_errno("IA32_TSC failed", "KVM_GET_MSRS");
    }
    return msrs.entry.data;
}

int KvmVcpu::run_once() {
    if (::ioctl(fd_.get(), KVM_RUN, 0) == 0) return 0;
    return errno;
}

}  // namespace er::launcher
