// What the kernel launches of every mode share (internal to sev/launch/): the ioctl helpers, the
// KVM_MEMORY_ENCRYPT_OP envelope and the one-line errors.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "sev/launch/kernel_launch.hpp"

namespace er::sev::detail {

class KernelLaunchBase : public KernelLaunch {
  public:
    LaunchMode mode() const override { return mode_; }

  protected:
    KernelLaunchBase(LaunchMode mode, IoctlPort& port, int kvm_fd, int sev_fd,
                     const KernelLaunchOptions& options)
        : mode_(mode), port_(port), kvm_fd_(kvm_fd), sev_fd_(sev_fd), options_(options) {}

    // One ioctl, retried on EINTR; the result or -1 with errno set.
    int raw_ioctl(int fd, unsigned long request, void* arg);
    // The same, throwing LaunchError naming `what` (and `gpa`) on failure.
    int checked_ioctl(int fd, unsigned long request, void* arg, const char* what,
                      std::optional<std::uint64_t> gpa = std::nullopt);

    // KVM_MEMORY_ENCRYPT_OP(id, data) on the VM, with sev_fd set: the result (or -1, errno set)
    // and the firmware status in `fw_error`.
    int raw_sev_command(std::uint32_t id, void* data, std::uint32_t& fw_error);
    void sev_command(std::uint32_t id, void* data, const char* what,
                     std::optional<std::uint64_t> gpa = std::nullopt);

    [[noreturn]] static void fail(const std::string& what, std::optional<std::uint64_t> gpa,
                                  int err, std::optional<std::uint32_t> fw_error);
    // A call the launcher got wrong (order, alignment): no kernel call was made.
    [[noreturn]] static void misuse(const std::string& what);

    launcher::UniqueFd create_vm_of_type(std::uint32_t type);
    int vm_fd() const;
    // KVM_MEMORY_ENCRYPT_OP(KVM_SEV_INIT2) with the options' features and GHCB version, or zeros
    // for SEV (KVM refuses anything else there).
    void init2(bool sev_only);

    const LaunchMode mode_;
    IoctlPort& port_;
    const int kvm_fd_;
    const int sev_fd_;
    const KernelLaunchOptions options_;

    // The order the ConfidentialLaunch calls must come in.
    enum class Stage { created, vm, initialised, started, finished };
    Stage stage_ = Stage::created;
    void expect_stage(Stage at_least, Stage before, const char* call) const;

  private:
    int vm_fd_ = -1;
};

std::unique_ptr<KernelLaunch> make_snp_launch(IoctlPort& port, int kvm_fd, int sev_fd,
                                              const KernelLaunchOptions& options);
std::unique_ptr<KernelLaunch> make_sev_launch(LaunchMode mode, IoctlPort& port, int kvm_fd,
                                              int sev_fd, const KernelLaunchOptions& options);

}  // namespace er::sev::detail
