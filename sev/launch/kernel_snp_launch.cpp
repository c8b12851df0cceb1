// SEV-SNP through KVM (Linux 6.11+): a KVM_X86_SNP_VM, guest_memfd-backed RAM, pages made private
// before SNP_LAUNCH_UPDATE, SNP_LAUNCH_FINISH (where KVM measures the VMSAs).  Notes §1.3, §1.4;
// Documentation/virt/kvm/x86/amd-memory-encryption.rst "SNP_LAUNCH_*".
#include <linux/kvm.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "sev/hex.hpp"
#include "sev/launch/kernel_launch_base.hpp"
#include "sev/uapi.hpp"

namespace er::sev::detail {
namespace {

constexpr std::uint64_t kPage = 4096;
// SNP_LAUNCH_UPDATE answers EAGAIN when it should be called again (e.g. a page still being
// reclaimed); this many EAGAINs in a row without progress is an error, not a wait forever.
constexpr int kEagainAttempts = 8;

class KernelSnpLaunch final : public KernelLaunchBase {
  public:
    KernelSnpLaunch(IoctlPort& port, int kvm_fd, int sev_fd, const KernelLaunchOptions& options)
        : KernelLaunchBase(LaunchMode::snp, port, kvm_fd, sev_fd, options) {}

    launcher::UniqueFd create_vm() override { return create_vm_of_type(uapi::kVmSnp); }

    void init() override {
        expect_stage(Stage::vm, Stage::initialised, "init");
        // Without this exit KVM answers every page-state change of the guest (GHCB PSC, MSR
        // protocol) with an error: the launcher must flip the memory attributes itself.
        kvm_enable_cap cap{};
        cap.cap = KVM_CAP_EXIT_HYPERCALL;
        cap.args[0] = 1ull << uapi::kHcMapGpaRange;
        checked_ioctl(vm_fd(), KVM_ENABLE_CAP, &cap,
                      "KVM_ENABLE_CAP(KVM_CAP_EXIT_HYPERCALL, KVM_HC_MAP_GPA_RANGE)");
        init2(false);
        stage_ = Stage::initialised;
    }

    void set_memory(std::uint32_t slot, std::uint64_t gpa, std::uint64_t size,
                    void* host) override {
        expect_stage(Stage::initialised, Stage::finished, "set_memory");
        uapi::KvmCreateGuestMemfd create{};
        create.size = size;
        launcher::UniqueFd gmem(checked_ioctl(vm_fd(), uapi::kCreateGuestMemfd, &create,
                                              "KVM_CREATE_GUEST_MEMFD", gpa));
        uapi::KvmUserspaceMemoryRegion2 region{};
        region.slot = slot;
        region.flags = uapi::kMemGuestMemfd;
        region.guest_phys_addr = gpa;
        region.memory_size = size;
        region.userspace_addr = reinterpret_cast<std::uintptr_t>(host);
        region.guest_memfd_offset = 0;
        region.guest_memfd = static_cast<std::uint32_t>(gmem.get());
        checked_ioctl(vm_fd(), uapi::kSetUserMemoryRegion2, &region, "KVM_SET_USER_MEMORY_REGION2",
                      gpa);
        // The memslot holds its own reference; the fd is kept for the VM's life all the same
        // (a launcher that discards private pages needs it for fallocate).
        gmem_.push_back(std::move(gmem));
    }

    void start(const GuestPolicy& policy) override {
        expect_stage(Stage::initialised, Stage::started, "start");
        uapi::KvmSevSnpLaunchStart start{};
        start.policy = policy.snp_policy();
        sev_command(uapi::kSnpLaunchStart, &start, "SNP_LAUNCH_START");
        stage_ = Stage::started;
    }

    void update(const LaunchRegion& region) override {
        expect_stage(Stage::started, Stage::finished, "update");
        if (region.type == PageType::vmsa) {
            misuse("update() given a VMSA region: SNP_LAUNCH_FINISH measures the VMSAs");
        }
        if (region.gpa % kPage != 0 || region.host.size() % kPage != 0 || region.host.empty() ||
            reinterpret_cast<std::uintptr_t>(region.host.data()) % kPage != 0) {
            misuse("update() region at GPA " + hex(region.gpa) + " is not whole pages");
        }
        // The range must be private before the firmware takes it (it is shared by default).
        uapi::KvmMemoryAttributes attrs{};
        attrs.address = region.gpa;
        attrs.size = region.host.size();
        attrs.attributes = uapi::kMemoryAttributePrivate;
        checked_ioctl(vm_fd(), uapi::kSetMemoryAttributes, &attrs,
                      "KVM_SET_MEMORY_ATTRIBUTES(PRIVATE)", region.gpa);

        uapi::KvmSevSnpLaunchUpdate up{};
        up.gfn_start = region.gpa / kPage;
        // KVM ignores uaddr for ZERO pages; it is passed all the same (QEMU does too).
        up.uaddr = reinterpret_cast<std::uintptr_t>(region.host.data());
        up.len = region.host.size();
        up.type = static_cast<std::uint8_t>(region.type);
        int eagains = 0;
        // KVM may do part of the range and answer success with gfn_start, uaddr and len moved
        // to what is left: call again until len is 0.
        while (up.len != 0) {
            const std::uint64_t len_before = up.len;
            std::uint32_t fw = 0;
            if (raw_sev_command(uapi::kSnpLaunchUpdate, &up, fw) < 0) {
                int err = errno;
                if (err == EAGAIN && ++eagains < kEagainAttempts) continue;
                std::string what = update_name(region.type);
                if (err == EAGAIN) what += " (EAGAIN " + std::to_string(eagains) + " times)";
                fail(what, up.gfn_start * kPage, err, fw);
            }
            if (up.len >= len_before) {
                fail(std::string(update_name(region.type)) + " (success without progress)",
                     up.gfn_start * kPage, EPROTO, std::nullopt);
            }
            eagains = 0;
        }
    }

    void finish(std::span<const VmsaPage> /*vmsas*/, const HostData& host_data) override {
        // KVM builds and measures the VMSAs from the vCPUs' registers here; `vmsas` are for the
        // software PSP.
        expect_stage(Stage::started, Stage::finished, "finish");
        uapi::KvmSevSnpLaunchFinish fin{};
        std::memcpy(fin.host_data, host_data.data(), sizeof fin.host_data);
        sev_command(uapi::kSnpLaunchFinish, &fin, "SNP_LAUNCH_FINISH");
        stage_ = Stage::finished;
    }

    std::optional<SevMeasurement> launch_measurement() const override { return std::nullopt; }

  private:
    static const char* update_name(PageType type) {
        switch (type) {
            case PageType::normal:
                return "SNP_LAUNCH_UPDATE(NORMAL)";
            case PageType::zero:
                return "SNP_LAUNCH_UPDATE(ZERO)";
            case PageType::unmeasured:
                return "SNP_LAUNCH_UPDATE(UNMEASURED)";
            case PageType::secrets:
                return "SNP_LAUNCH_UPDATE(SECRETS)";
            case PageType::cpuid:
                return "SNP_LAUNCH_UPDATE(CPUID)";
            case PageType::vmsa:
                break;
        }
        return "SNP_LAUNCH_UPDATE";
    }

    std::vector<launcher::UniqueFd> gmem_;
};

}  // namespace

std::unique_ptr<KernelLaunch> make_snp_launch(IoctlPort& port, int kvm_fd, int sev_fd,
                                              const KernelLaunchOptions& options) {
    return std::make_unique<KernelSnpLaunch>(port, kvm_fd, sev_fd, options);
}

}  // namespace er::sev::detail
