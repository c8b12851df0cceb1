// What a verifier should expect from an enclave, computed from the same unikernel, apps and
// configuration without running anything (`enclave-attest measure`): the launch digest over the
// regions launch_plan.hpp lists plus vCPU 0's VMSA, and the measurement log the guest will
// compute (unikernel/attest/), entry by entry.
#pragma once

#include <cstdint>
#include <vector>

#include "attestation/evidence.hpp"
#include "attestation/launch_digest.hpp"
#include "launcher/confidential/launch_plan.hpp"
#include "launcher/vm/guest_memory.hpp"

namespace er::launcher {

struct ExpectedMeasurement {
    attest::Digest384 snp_launch_digest{};  // the SNP report's MEASUREMENT (snp and sim)
    attest::Digest256 sev_launch_digest{};  // GCTX.LD of SEV and SEV-ES (what LAUNCH_MEASURE
                                            // MACs with the guest owner's TIK)
    std::vector<PlannedRegion> regions;     // what was measured, in order
    std::vector<attest::DomainEntry> log;   // one entry per domain, in launch order
};

// `memory` holds the whole launch image (write_launch_image); `mode` is not ER_CC_OFF: SNP and
// sim give snp_launch_digest, SEV and SEV-ES sev_launch_digest.
// `assume_pku`: whether the enclave's CPU has protection keys, which decides what `auto`
// isolation becomes (docs/mpk.md "Choosing the backend").
ExpectedMeasurement expected_measurement(GuestMemory& memory, const KernelImage& kernel,
                                         const DomainLayout& domains, uint32_t mode,
                                         bool assume_pku);

// The guest's log entry for one domain table entry, from the bytes in guest memory.
attest::DomainEntry expected_entry(const GuestMemory& memory, const er_domain_desc& desc,
                                   bool assume_pku);

}  // namespace er::launcher
