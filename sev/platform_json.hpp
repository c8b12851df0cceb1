// `enclave-run platform --json`: the same report for programs.  Shape (docs/sev.md):
//   {"kvm": {...}, "cpuid": {...}, "kvm_amd": {...}, "sev_device": {...},
//    "modes": {"snp": {"available": bool, "missing": [reason...]}, "es": ..., "sev": ...},
//    "strongest": "snp" | "es" | "sev" | null}
#pragma once

#include <nlohmann/json.hpp>

#include "sev/platform_report.hpp"

namespace er::sev {

nlohmann::json platform_json(const PlatformReport& report);

}  // namespace er::sev
