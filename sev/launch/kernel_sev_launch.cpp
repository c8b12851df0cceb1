// SEV and SEV-ES through KVM: a KVM_X86_SEV(_ES)_VM + KVM_SEV_INIT2 (Linux 6.10+) or a default VM
// + the legacy KVM_SEV_INIT / KVM_SEV_ES_INIT; registered (pinned) RAM; LAUNCH_START,
// LAUNCH_UPDATE_DATA, (ES) LAUNCH_UPDATE_VMSA, LAUNCH_MEASURE, LAUNCH_FINISH.  Notes §1.3, §1.4;
// SEV API 55766 chapter 6; Documentation/virt/kvm/x86/amd-memory-encryption.rst.
#include <linux/kvm.h>

#include <cerrno>
#include <cstring>

#include "sev/hex.hpp"
#include "sev/launch/kernel_launch_base.hpp"
#include "sev/uapi.hpp"

namespace er::sev::detail {
namespace {

class KernelSevLaunch final : public KernelLaunchBase {
  public:
    KernelSevLaunch(LaunchMode mode, IoctlPort& port, int kvm_fd, int sev_fd,
                    const KernelLaunchOptions& options)
        : KernelLaunchBase(mode, port, kvm_fd, sev_fd, options) {}

    launcher::UniqueFd create_vm() override {
        // INIT2 needs a VM of the mode's type; the legacy INIT works only on a default VM.
        if (!options_.init2) return create_vm_of_type(uapi::kVmDefault);
        return create_vm_of_type(es() ? uapi::kVmSevEs : uapi::kVmSev);
    }

    void init() override {
        expect_stage(Stage::vm, Stage::initialised, "init");
        if (options_.init2) {
            init2(!es());
        } else if (es()) {
            sev_command(uapi::kSevEsInit, nullptr, "KVM_SEV_ES_INIT");
        } else {
            sev_command(uapi::kSevInit, nullptr, "KVM_SEV_INIT");
        }
        stage_ = Stage::initialised;
    }

    void set_memory(std::uint32_t slot, std::uint64_t gpa, std::uint64_t size,
                    void* host) override {
        expect_stage(Stage::initialised, Stage::finished, "set_memory");
        kvm_userspace_memory_region region{};
        region.slot = slot;
        region.guest_phys_addr = gpa;
        region.memory_size = size;
        region.userspace_addr = reinterpret_cast<std::uintptr_t>(host);
        checked_ioctl(vm_fd(), KVM_SET_USER_MEMORY_REGION, &region, "KVM_SET_USER_MEMORY_REGION",
                      gpa);
        // Pins the pages: the firmware encrypts them in place and they must not move.
        kvm_enc_region enc{};
        enc.addr = reinterpret_cast<std::uintptr_t>(host);
        enc.size = size;
        checked_ioctl(vm_fd(), KVM_MEMORY_ENCRYPT_REG_REGION, &enc, "KVM_MEMORY_ENCRYPT_REG_REGION",
                      gpa);
    }

    void start(const GuestPolicy& policy) override {
        expect_stage(Stage::initialised, Stage::started, "start");
        // No guest owner's PDH or session blob: the firmware makes its own TEK/TIK.  (Remote
        // secret injection with LAUNCH_SECRET would need them; the launcher does not do it.)
        uapi::KvmSevLaunchStart start{};
        start.policy = policy.sev_policy(es());
        sev_command(uapi::kSevLaunchStart, &start, "LAUNCH_START");
        stage_ = Stage::started;
    }

    void update(const LaunchRegion& region) override {
        expect_stage(Stage::started, Stage::finished, "update");
        switch (region.type) {
            case PageType::normal:
                break;
            // SEV has no zero or unmeasured page type: LAUNCH_UPDATE_DATA would encrypt and measure
            // every byte, so these ranges are left out of the digest.  Memory the firmware did not
            // encrypt reads as noise through the guest's key, so the guest clears such ranges
            // itself (after mapping them with the C-bit) instead of trusting them to be zero.
            case PageType::zero:
            case PageType::unmeasured:
                return;
            case PageType::secrets:
            case PageType::cpuid:
            case PageType::vmsa:
                misuse("update() given an SNP-only page type (" +
                       std::to_string(static_cast<int>(region.type)) + ") at GPA " +
                       hex(region.gpa) + " in an SEV/SEV-ES launch");
        }
        // LAUNCH_UPDATE_DATA wants 16-byte-aligned address and length (SEV API 55766).
        auto addr = reinterpret_cast<std::uintptr_t>(region.host.data());
        if (addr % 16 != 0 || region.host.size() % 16 != 0 || region.host.empty() ||
            region.host.size() > UINT32_MAX) {
            misuse("update() region at GPA " + hex(region.gpa) +
                   " is not 16-byte aligned or too large for LAUNCH_UPDATE_DATA");
        }
        uapi::KvmSevLaunchUpdateData up{};
        up.uaddr = addr;
        up.len = static_cast<std::uint32_t>(region.host.size());
        sev_command(uapi::kSevLaunchUpdateData, &up, "LAUNCH_UPDATE_DATA", region.gpa);
    }

    void finish(std::span<const VmsaPage> /*vmsas*/, const HostData& /*host_data*/) override {
        // SEV has no HOST_DATA (it is SNP's); KVM builds the VMSAs from the vCPUs' registers.
        expect_stage(Stage::started, Stage::finished, "finish");
        if (es()) sev_command(uapi::kSevLaunchUpdateVmsa, nullptr, "LAUNCH_UPDATE_VMSA");
        measure();
        sev_command(uapi::kSevLaunchFinish, nullptr, "LAUNCH_FINISH");
        stage_ = Stage::finished;
    }

    std::optional<SevMeasurement> launch_measurement() const override { return measurement_; }

  private:
    bool es() const { return mode_ == LaunchMode::sev_es; }

    void measure() {
        // First with len 0: the firmware answers the length it needs (and the command fails with
        // INVALID_LEN, which KVM passes on), then for real.
        uapi::KvmSevLaunchMeasure query{};
        std::uint32_t fw = 0;
        if (raw_sev_command(uapi::kSevLaunchMeasure, &query, fw) < 0 && query.len == 0) {
            fail("LAUNCH_MEASURE (length query)", std::nullopt, errno, fw);
        }
        SevMeasurement blob{};
        if (query.len != blob.size()) {
            throw LaunchError("LAUNCH_MEASURE: the firmware wants " + std::to_string(query.len) +
                              " bytes, not the " + std::to_string(blob.size()) +
                              " of SEV API 55766");
        }
        uapi::KvmSevLaunchMeasure get{};
        get.uaddr = reinterpret_cast<std::uintptr_t>(blob.data());
        get.len = static_cast<std::uint32_t>(blob.size());
        sev_command(uapi::kSevLaunchMeasure, &get, "LAUNCH_MEASURE");
        measurement_ = blob;
    }

    std::optional<SevMeasurement> measurement_;
};

}  // namespace

std::unique_ptr<KernelLaunch> make_sev_launch(LaunchMode mode, IoctlPort& port, int kvm_fd,
                                              int sev_fd, const KernelLaunchOptions& options) {
    return std::make_unique<KernelSevLaunch>(mode, port, kvm_fd, sev_fd, options);
}

}  // namespace er::sev::detail
