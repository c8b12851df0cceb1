// `enclave-run platform --json`: the same report for programs.  Shape (docs/sev.md):
//   {"kvm": {...}, "cpuid": {...}, "kvm_amd": {...}, "sev_device": {...},
//    "modes": {"snp": {"available": bool, "missing": [reason...]}, "es": ..., "sev": ...},
//    "strongest": "snp" | "es" | "sev" | null, "asids": {...} (with an AsidReport)}
#pragma once

#include <nlohmann/json.hpp>

#include "sev/asid/asid_report.hpp"
#include "sev/platform_report.hpp"

namespace er::sev {

nlohmann::json platform_json(const PlatformReport& report);
// The same with "asids" (sev/asid/asid_report.hpp): what `enclave-run platform --json` prints.
nlohmann::json platform_json(const PlatformReport& report, const asid::AsidReport& asids);

}  // namespace er::sev
