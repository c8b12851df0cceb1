// The one interface the launcher uses to build a confidential guest, whoever does the work: the
// kernel (kvm_amd + the PSP, sev/launch/kernel_*), or the software PSP (sev/sim/, tests only).
// The launcher calls start(), then update() for every region it measures, in the documented
// order (docs/sev.md "What is measured"), then finish().  Each call maps onto one launch command
// of the AMD firmware ABI (SEV API 55766 chapter 6, SNP ABI 56860 chapter 8).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace er::sev {

// Raised for a launch command that fails: the message names the command, the guest address
// where there is one, errno and the firmware status (SEV_RET_*).
class LaunchError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class LaunchMode { sev, sev_es, snp };

// SNP_LAUNCH_UPDATE page types (SNP ABI 56860, "Page Types"); for SEV/SEV-ES only `normal`
// (LAUNCH_UPDATE_DATA) and `zero`/`unmeasured` (skipped) mean anything.
enum class PageType : std::uint8_t {
    normal = 1,
    vmsa = 2,  // firmware-internal: never passed to update()
    zero = 3,
    unmeasured = 4,
    secrets = 5,
    cpuid = 6,
};

// The guest owner's policy (docs/sev.md "Guest policy").  Defaults: debugging off, SMT allowed,
// no migration agent, any firmware ABI.
struct GuestPolicy {
    bool debug = false;
    bool smt = true;
    bool migrate_ma = false;
    std::uint8_t abi_major = 0;  // minimum firmware ABI the guest accepts
    std::uint8_t abi_minor = 0;

    // SNP GUEST_POLICY (SNP ABI 56860 "Guest Policy"): ABI_MINOR 7:0, ABI_MAJOR 15:8, SMT 16,
    // bit 17 reserved, must be one, MIGRATE_MA 18, DEBUG 19.
    std::uint64_t snp_policy() const;
    // SEV / SEV-ES POLICY (SEV API 55766 "Guest Policy"): NODBG 0, NOKS 1, ES 2, NOSEND 3,
    // DOMAIN 4, SEV 5, API_MAJOR 23:16, API_MINOR 31:24.
    std::uint32_t sev_policy(bool es) const;
};

// One range the launcher hands to the launch: `host` is the launcher's mapping of guest RAM at
// `gpa` (page aligned; whole pages).  Mutable: SEV encrypts it in place, and the PSP writes the
// secrets page and may correct the CPUID page.
struct LaunchRegion {
    std::uint64_t gpa = 0;
    PageType type = PageType::normal;
    std::span<std::uint8_t> host;
};

using VmsaPage = std::array<std::uint8_t, 4096>;
using HostData = std::array<std::uint8_t, 32>;

class ConfidentialLaunch {
  public:
    virtual ~ConfidentialLaunch() = default;
    // LAUNCH_START / SNP_LAUNCH_START.
    virtual void start(const GuestPolicy& policy) = 0;
    // LAUNCH_UPDATE_DATA / SNP_LAUNCH_UPDATE, in call order (the order is part of the digest).
    virtual void update(const LaunchRegion& region) = 0;
    // SEV-ES: LAUNCH_UPDATE_VMSA then LAUNCH_MEASURE, LAUNCH_FINISH; SEV: LAUNCH_MEASURE,
    // LAUNCH_FINISH; SNP: SNP_LAUNCH_FINISH (which measures the VMSAs).  `vmsas` are the pages
    // the launcher expects KVM to build from the vCPUs' registers, vCPU 0 first: the kernel
    // implementations let KVM build its own, the software PSP measures these.
    virtual void finish(std::span<const VmsaPage> vmsas, const HostData& host_data) = 0;
};

}  // namespace er::sev
