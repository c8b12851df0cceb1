// Where platform detection gets its facts.  HostProbe asks this host (CPUID instruction, /dev/kvm,
// sysfs, /dev/sev); unit tests pass a fake that returns chosen facts.  Each call is one probe of
// notes/sev.md §1.1 and has no side effect beyond a throwaway VM.
#pragma once

#include <optional>
#include <string>

#include "sev/kvm_amd_params.hpp"
#include "sev/kvm_sev_caps.hpp"
#include "sev/sev_cpuid.hpp"
#include "sev/sev_device.hpp"

namespace er::sev {

class PlatformProbe {
  public:
    virtual ~PlatformProbe() = default;
    // CPUID Fn8000_001F, or nullopt when the CPU's highest extended leaf is below it.
    virtual std::optional<CpuidRegs> cpuid_8000001f() = 0;
    virtual KvmSevFacts kvm() = 0;
    virtual KvmAmdParams kvm_amd() = 0;
    virtual SevDeviceFacts sev_device() = 0;
};

class HostProbe : public PlatformProbe {
  public:
    explicit HostProbe(std::string kvm_path = "/dev/kvm", std::string sev_path = "/dev/sev",
                       std::string sysfs_root = "/sys")
        : kvm_path_(std::move(kvm_path)),
          sev_path_(std::move(sev_path)),
          sysfs_root_(std::move(sysfs_root)) {}

    std::optional<CpuidRegs> cpuid_8000001f() override;
    KvmSevFacts kvm() override { return probe_kvm_sev(kvm_path_); }
    KvmAmdParams kvm_amd() override { return read_kvm_amd_params(sysfs_root_); }
    SevDeviceFacts sev_device() override { return probe_sev_device(sev_path_); }

  private:
    std::string kvm_path_;
    std::string sev_path_;
    std::string sysfs_root_;
};

}  // namespace er::sev
