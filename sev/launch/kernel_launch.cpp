#include <linux/kvm.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

#include "sev/hex.hpp"
#include "sev/launch/kernel_launch_base.hpp"
#include "sev/uapi.hpp"

namespace er::sev {

std::string sev_ret_name(std::uint32_t code) {
    // psp-sev.h sev_ret_code: 0x00-0x18 from the SEV API, 0x19-0x27 from the SNP ABI.
    static constexpr const char* kNames[] = {
        "SUCCESS",
        "INVALID_PLATFORM_STATE",
        "INVALID_GUEST_STATE",
        "INVALID_CONFIG",
        "INVALID_LEN",
        "ALREADY_OWNED",
        "INVALID_CERTIFICATE",
        "POLICY_FAILURE",
        "INACTIVE",
        "INVALID_ADDRESS",
        "BAD_SIGNATURE",
        "BAD_MEASUREMENT",
        "ASID_OWNED",
        "INVALID_ASID",
        "WBINVD_REQUIRED",
        "DFFLUSH_REQUIRED",
        "INVALID_GUEST",
        "INVALID_COMMAND",
        "ACTIVE",
        "HWSEV_RET_PLATFORM",
        "HWSEV_RET_UNSAFE",
        "UNSUPPORTED",
        "INVALID_PARAM",
        "RESOURCE_LIMIT",
        "SECURE_DATA_INVALID",
        "INVALID_PAGE_SIZE",
        "INVALID_PAGE_STATE",
        "INVALID_MDATA_ENTRY",
        "INVALID_PAGE_OWNER",
        "AEAD_OFLOW",
        nullptr,  // 0x1E: not assigned
        "EXIT_RING_BUFFER",
        "RMP_INIT_REQUIRED",
        "BAD_SVN",
        "BAD_VERSION",
        "SHUTDOWN_REQUIRED",
        "UPDATE_FAILED",
        "RESTORE_REQUIRED",
        "RMP_INITIALIZATION_FAILED",
        "INVALID_KEY",
    };
    if (code == uapi::kSevRetNoFwCall) return "SEV_RET_NO_FW_CALL";
    if (code < std::size(kNames) && kNames[code] != nullptr) {
        return std::string("SEV_RET_") + kNames[code];
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "SEV_RET_0x%" PRIx32, code);
    return buf;
}

std::optional<std::uint64_t> probe_vmsa_features(IoctlPort& port, int kvm_fd) {
    std::uint64_t mask = 0;
    kvm_device_attr attr{};
    attr.group = uapi::kX86GrpSev;
    attr.attr = uapi::kX86SevVmsaFeatures;
    attr.addr = reinterpret_cast<std::uintptr_t>(&mask);
    int r;
    do {
        r = port.ioctl(kvm_fd, KVM_GET_DEVICE_ATTR, &attr);
    } while (r < 0 && errno == EINTR);
    if (r < 0) return std::nullopt;  // ENXIO: no such attribute, so no INIT2
    return mask;
}

std::unique_ptr<KernelLaunch> make_kernel_launch(LaunchMode mode, IoctlPort& port, int kvm_fd,
                                                 int sev_fd, const KernelLaunchOptions& options) {
    if (mode == LaunchMode::snp) return detail::make_snp_launch(port, kvm_fd, sev_fd, options);
    return detail::make_sev_launch(mode, port, kvm_fd, sev_fd, options);
}

namespace detail {

int KernelLaunchBase::raw_ioctl(int fd, unsigned long request, void* arg) {
    int r;
    do {
        r = port_.ioctl(fd, request, arg);
    } while (r < 0 && errno == EINTR);
    return r;
}

int KernelLaunchBase::checked_ioctl(int fd, unsigned long request, void* arg, const char* what,
                                    std::optional<std::uint64_t> gpa) {
    int r = raw_ioctl(fd, request, arg);
    if (r < 0) fail(what, gpa, errno, std::nullopt);
    return r;
}

int KernelLaunchBase::raw_sev_command(std::uint32_t id, void* data, std::uint32_t& fw_error) {
    uapi::KvmSevCmd cmd{};
    cmd.id = id;
    cmd.data = reinterpret_cast<std::uintptr_t>(data);
    // Every command carries the /dev/sev fd: LAUNCH_START, INIT2 and the SNP commands read it
    // (the later SEV commands reuse the one saved at LAUNCH_START), notes §1.2.
    cmd.sev_fd = static_cast<std::uint32_t>(sev_fd_);
    int r = raw_ioctl(vm_fd(), uapi::kMemoryEncryptOp, &cmd);
    int saved = errno;
    fw_error = cmd.error;
    errno = saved;
    return r;
}

void KernelLaunchBase::sev_command(std::uint32_t id, void* data, const char* what,
                                   std::optional<std::uint64_t> gpa) {
    std::uint32_t fw = 0;
    if (raw_sev_command(id, data, fw) < 0) fail(what, gpa, errno, fw);
}

void KernelLaunchBase::fail(const std::string& what, std::optional<std::uint64_t> gpa, int err,
                            std::optional<std::uint32_t> fw_error) {
    std::string msg = what;
    if (gpa) msg += " at GPA " + hex(*gpa);
    msg += " failed: ";
    msg += std::strerror(err);
    // 0 is what we sent: the firmware was not reached, or the kernel did not say.
    if (fw_error && *fw_error != 0) {
        msg += ", firmware status " + sev_ret_name(*fw_error) + " (" + hex(*fw_error) + ")";
    }
    throw LaunchError(msg);
}

launcher::UniqueFd KernelLaunchBase::create_vm_of_type(std::uint32_t type) {
    expect_stage(Stage::created, Stage::vm, "create_vm");
    // KVM_CREATE_VM takes the type as the integer argument itself.
    void* arg = reinterpret_cast<void*>(static_cast<std::uintptr_t>(type));
    char what[40];
    std::snprintf(what, sizeof what, "KVM_CREATE_VM(type %" PRIu32 ")", type);
    launcher::UniqueFd vm(checked_ioctl(kvm_fd_, KVM_CREATE_VM, arg, what));
    vm_fd_ = vm.get();
    stage_ = Stage::vm;
    return vm;
}

int KernelLaunchBase::vm_fd() const {
    if (vm_fd_ < 0) misuse("no VM yet (create_vm() first)");
    return vm_fd_;
}

void KernelLaunchBase::init2(bool sev_only) {
    uapi::KvmSevInit init{};
    if (!sev_only) {
        init.vmsa_features = options_.vmsa_features;
        init.ghcb_version = options_.ghcb_version;
    }
    sev_command(uapi::kSevInit2, &init, "KVM_SEV_INIT2");
}

void KernelLaunchBase::misuse(const std::string& what) {
    throw LaunchError("confidential launch: " + what);
}

void KernelLaunchBase::expect_stage(Stage at_least, Stage before, const char* call) const {
    if (stage_ < at_least || stage_ >= before) {
        misuse(std::string(call) +
               "() called out of order (create_vm, init, set_memory, start, update, finish)");
    }
}

}  // namespace detail
}  // namespace er::sev
