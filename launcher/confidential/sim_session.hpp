// `--confidential sim`: a plain KVM guest launched through the software PSP (sev/sim/, a TEST
// DOUBLE for the AMD secure processor, never chosen by `auto`).  The PSP measures the same
// regions a hardware launch would (launch_plan.hpp), plants the secrets page, and answers the
// guest's encrypted MSG_REPORT_REQ (ER_HC_GUEST_REQUEST) with a report signed by its simulated
// VCEK.  Where its keys live: $ENCLAVE_RUN_SIM_DIR, else <state dir>/sim-psp (docs/sev.md).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "launcher/confidential/launch_plan.hpp"
#include "sev/sim/software_psp.hpp"

namespace er::launcher {

class GuestMemory;

inline constexpr const char* kSimDirEnv = "ENCLAVE_RUN_SIM_DIR";

// The software PSP's directory by that rule.
std::string sim_psp_dir();

class SimSession {
  public:
    // Loads (or creates, once per directory) the simulated ARK -> ASK -> VCEK identity.
    // Throws Error naming the directory.
    explicit SimSession(const std::string& directory);

    // The launch, over guest memory the launcher has finished writing.
    void launch(GuestMemory& memory, const std::vector<PlannedRegion>& regions,
                const sev::GuestPolicy& policy, uint64_t entry);

    // ER_HC_GUEST_REQUEST: the firmware status; `response` is written only on success.
    uint64_t guest_request(std::span<const uint8_t, 4096> request,
                           std::span<uint8_t, 4096> response);

    // For the evidence bundle: VCEK, ASK, ARK (DER).
    std::vector<std::vector<uint8_t>> certs() const;
    const attest::Digest384& measurement() const { return psp_.measurement(); }
    std::string ark_path() const;

  private:
    sev::sim::SoftwarePsp psp_;
};

}  // namespace er::launcher
