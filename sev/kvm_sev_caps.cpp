#include "sev/kvm_sev_caps.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <cerrno>

#include "launcher/common/unique_fd.hpp"
#include "sev/uapi.hpp"

namespace er::sev {
namespace {

template <typename Arg>
int ioctl_retry(int fd, unsigned long request, Arg arg) {
    int r;
    do {
        r = ::ioctl(fd, request, arg);
    } while (r < 0 && errno == EINTR);
    return r;
}

}  // namespace

KvmSevFacts probe_kvm_sev(const std::string& path) {
    KvmSevFacts f;
    f.path = path;
    struct stat st {};
    f.present = ::stat(path.c_str(), &st) == 0;
    if (!f.present) return f;
    launcher::UniqueFd kvm(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!kvm.valid()) {
        f.open_err = errno;
        return f;
    }

    int types = ioctl_retry(kvm.get(), KVM_CHECK_EXTENSION, uapi::kCapVmTypes);
    if (types >= 0) {
        f.vm_types = static_cast<uint32_t>(types);
    } else {
        f.vm_types_err = errno;
    }

    // The throwaway VM: default type, no memory, no vCPU; closed on return.
    launcher::UniqueFd vm(
        ioctl_retry(kvm.get(), KVM_CREATE_VM, static_cast<unsigned long>(uapi::kVmDefault)));
    if (!vm.valid()) {
        f.create_vm_err = errno;
        return f;
    }
    int r = ioctl_retry(vm.get(), uapi::kMemoryEncryptOp, static_cast<void*>(nullptr));
    f.encrypt_op_err = r == 0 ? 0 : errno;
    return f;
}

}  // namespace er::sev
