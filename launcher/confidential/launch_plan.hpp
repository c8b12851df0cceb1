// What the launcher measures, and in which order, when it builds a confidential guest
// (docs/sev.md "What is measured").  One function decides it for both the launcher and
// `enclave-attest measure`, so the two cannot drift apart.
#pragma once

#include <cstdint>
#include <vector>

#include "launcher/vm/domain_images.hpp"
#include "launcher/vm/kernel_image.hpp"
#include "sev/launch/confidential_launch.hpp"

namespace er::launcher {

struct PlannedRegion {
    uint64_t gpa = 0;
    uint64_t size = 0;  // whole pages
    sev::PageType type = sev::PageType::normal;
    const char* what = "";  // for errors and `measure --json`
};

// The regions of guest memory handed to the launch, in ascending GPA order (the order is part
// of the digest).  `mode` is an er_confidential other than ER_CC_OFF: SEV and SEV-ES have no
// secrets or CPUID page.
std::vector<PlannedRegion> launch_regions(const KernelImage& kernel, const DomainLayout& domains,
                                          uint32_t mode);

// vCPU 0's VMSA as KVM builds it from the registers the launcher sets (boot_state.hpp), with
// the SEV_FEATURES of `mode`.  SEV (no ES) has no VMSA: the caller passes none.
sev::VmsaPage launch_vmsa(uint64_t entry, uint32_t mode);

}  // namespace er::launcher

namespace er::launcher {

class GuestMemory;

// Runs a whole launch over guest memory: start(policy), update() for each region in order,
// finish() with vCPU 0's VMSA (none for SEV).  The same call drives the kernel's launch and the
// software PSP.
void run_launch(sev::ConfidentialLaunch& launch, GuestMemory& memory,
                const std::vector<PlannedRegion>& regions, const sev::GuestPolicy& policy,
                uint64_t entry, uint32_t mode, const sev::HostData& host_data);

}  // namespace er::launcher
