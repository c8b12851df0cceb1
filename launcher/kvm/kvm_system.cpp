#include "launcher/kvm/kvm_system.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include "launcher/common/error.hpp"
#include "launcher/kvm/uapi.hpp"

namespace er::launcher {

KvmSystem KvmSystem::open(const std::string& device, const std::string& sysfs_root) {
    UniqueFd fd(::open(device.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd.valid()) {
        int err = errno;
        if (err == ENOENT) {
            throw Error(device +
                        " not found: this machine offers no KVM; run it inside the project's test "
                        "VM: tests/vm/run-in-vm.sh -- enclave-run run APP");
        }
        if (err == EACCES || err == EPERM) {
            throw Error(
                "permission denied: add your user to the kvm group (sudo usermod -aG kvm "
                "$USER, then log in again) or run as root",
                device);
        }
        throw Error("cannot open", device, err);
    }
    int version = ::ioctl(fd.get(), KVM_GET_API_VERSION, 0);
    if (version < 0) throw_errno("KVM_GET_API_VERSION failed", device);
    if (version != KVM_API_VERSION) {
        throw Error("KVM API version " + std::to_string(version) + " is not the supported " +
                        std::to_string(KVM_API_VERSION),
                    device);
    }
    Hypervisor h = detect_hypervisor(sysfs_root);
    return KvmSystem(std::move(fd), h);
}

size_t KvmSystem::vcpu_mmap_size() const {
    int size = ::ioctl(fd_.get(), KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size < 0) throw_errno("failed", "KVM_GET_VCPU_MMAP_SIZE");
    if (static_cast<size_t>(size) < sizeof(kvm_run)) {
        throw Error("vCPU mmap size " + std::to_string(size) + " is smaller than struct kvm_run",
                    "KVM_GET_VCPU_MMAP_SIZE");
    }
    return static_cast<size_t>(size);
}

std::vector<uint8_t> KvmSystem::supported_cpuid() const {
    // The entry count is not known in advance: grow until KVM stops answering E2BIG.
    for (uint32_t nent = 64; nent <= 4096; nent *= 2) {
        std::vector<uint8_t> buf(sizeof(uapi::CpuidHeader) + nent * sizeof(kvm_cpuid_entry2), 0);
        auto* header = reinterpret_cast<uapi::CpuidHeader*>(buf.data());
        header->nent = nent;
        if (::ioctl(fd_.get(), uapi::kGetSupportedCpuid, buf.data()) == 0) {
            buf.resize(sizeof(uapi::CpuidHeader) + header->nent * sizeof(kvm_cpuid_entry2));
            return buf;
        }
        if (errno != E2BIG) throw_errno("failed", "KVM_GET_SUPPORTED_CPUID");
    }
    throw Error("more than 4096 CPUID entries", "KVM_GET_SUPPORTED_CPUID");
}

}  // namespace er::launcher
