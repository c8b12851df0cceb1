#include "launcher/kvm/hypervisor.hpp"

#include <sys/stat.h>

#include "launcher/common/error.hpp"

namespace er::launcher {
namespace {

bool module_loaded(const std::string& sysfs_root, const char* name) {
    struct stat st {};
    std::string path = sysfs_root + "/module/" + name;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

Hypervisor detect_hypervisor(const std::string& sysfs_root) {
    // kvm_pvm is checked first: it can be loaded next to kvm_intel/kvm_amd (as a module that
    // needs no hardware support) and then /dev/kvm may belong to either.
    if (module_loaded(sysfs_root, "kvm_pvm")) {
        throw Error(
            "unsupported hypervisor: kvm_pvm (paravirtualised KVM) is not supported; "
            "enclave-run needs kvm_amd or kvm_intel");
    }
    if (module_loaded(sysfs_root, "kvm_amd")) return Hypervisor::kvm_amd;
    if (module_loaded(sysfs_root, "kvm_intel")) return Hypervisor::kvm_intel;
    throw Error(
        "unsupported hypervisor: /dev/kvm is backed by neither kvm_amd nor kvm_intel "
        "(no " +
        sysfs_root + "/module/kvm_amd or kvm_intel)");
}

const char* hypervisor_name(Hypervisor h) {
    return h == Hypervisor::kvm_amd ? "kvm_amd" : "kvm_intel";
}

}  // namespace er::launcher
