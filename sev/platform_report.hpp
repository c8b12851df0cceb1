// What this host offers for confidential launch: for each mode (SNP, SEV-ES, SEV) whether it can
// run and, for every piece that is missing, a one-line reason.  probe_platform() gathers the
// facts in a fixed order (/dev/kvm, CPUID, kvm_amd, /dev/sev; docs/sev.md "Platform detection")
// and assess() turns facts into the verdict, so the rules are tested without any hardware.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sev/platform_probe.hpp"

namespace er::sev {

enum class Mode { snp, es, sev };  // strongest first

const char* mode_name(Mode m);  // "snp", "es", "sev"

struct PlatformFacts {
    KvmSevFacts kvm;
    SevCpuid cpu;
    KvmAmdParams kvm_amd;
    SevDeviceFacts sev_device;
};

struct ModeStatus {
    bool available = false;
    std::vector<std::string> missing;  // empty iff available; in probe order
};

struct PlatformReport {
    PlatformFacts facts;
    ModeStatus snp;
    ModeStatus es;
    ModeStatus sev;

    const ModeStatus& mode(Mode m) const;
    // The strongest available mode, nullopt when only plain KVM (or nothing) is left.
    std::optional<Mode> best() const;
};

PlatformFacts gather_facts(PlatformProbe& probe);
PlatformReport assess(const PlatformFacts& facts);
inline PlatformReport probe_platform(PlatformProbe& probe) {
    return assess(gather_facts(probe));
}

}  // namespace er::sev
