// `--confidential auto|snp|es|sev|off|sim`: which confidential mode an enclave runs in, decided
// before any VM exists from what the platform offers (sev/platform_report.hpp).  The rules
// (docs/sev.md "Fallback policy"):
//   - off: plain KVM.  sim: plain KVM with the software PSP (sev/sim/, tests only; never chosen
//     by auto).
//   - snp, es, sev: that mode or a one-line error naming what the host lacks.
//   - auto: the strongest mode this host and this enclave-run can run; else plain KVM with one
//     warning line, and the evidence says not hardware-backed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "libos-abi/enclave_abi.h"
#include "sev/platform_report.hpp"

namespace er::launcher {

enum class ConfidentialRequest { automatic, snp, es, sev, off, sim };

// Throws Error for anything but the six names.
ConfidentialRequest confidential_request_from(const std::string& text);
const char* confidential_request_name(ConfidentialRequest request);

// The mode's user-facing name: "plain KVM", "SEV-SNP", "SEV-ES", "SEV", "simulated SEV-SNP
// (software PSP)".
const char* confidential_mode_name(uint32_t mode);

struct ConfidentialChoice {
    uint32_t mode = ER_CC_OFF;  // er_confidential
    std::string warning;        // non-empty: print it as one line (auto fell back)
};

// Throws Error, one line, when the request names a mode this host or this build cannot run.
ConfidentialChoice choose_confidential(ConfidentialRequest request,
                                       const sev::PlatformReport& platform);

// Whether this enclave-run can launch `mode` on SEV hardware at all (see docs/sev.md "What has
// run on SEV hardware"): the reason it cannot, or nullopt.
std::optional<std::string> hardware_launch_gap(sev::Mode mode);

}  // namespace er::launcher
