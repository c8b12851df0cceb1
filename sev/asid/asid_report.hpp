// The ASID lines of `enclave-run platform`: for each pool, the slots in use, the ones left, the
// budget and where it came from, and the holders' pids.  Looking only: nothing is created, and a
// state directory that cannot be used becomes an error line, never a refusal (platform reports).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sev/asid/asid_budget.hpp"
#include "sev/platform_report.hpp"
#include "sev/sev_cpuid.hpp"

namespace er::sev::asid {

struct PoolReport {
    Pool pool = Pool::sev;
    BudgetChoice choice;
    Usage usage;
};

struct AsidReport {
    std::string state_dir;
    std::optional<std::string> error;  // set: `pools` is empty
    std::vector<PoolReport> pools;     // sev, es-snp, sim
};

// The pool a hardware mode draws on: snp and es share es-snp, sev has its own.
Pool pool_for_mode(Mode mode);

// Why try_acquire() gave nothing, for the launcher's refusal or fallback line: "all 2 ASIDs of
// the es-snp budget are in use (held by pids 4242, 4243)".
std::string exhausted_reason(Pool pool, const Usage& usage);

// Each pool under `state_dir` (empty: default_state_dir()), budgets from `cpu` and
// ENCLAVE_RUN_ASID_BUDGET.
AsidReport inspect_asids(const SevCpuid& cpu, const std::string& state_dir = {});

// "ASIDs es-snp: 1 in use, 126 left, budget 127 (CPUID 0x8000001F), held by pid 4242", one per
// pool, after one line naming the directory; a clamped budget adds "  - REASON".
std::vector<std::string> asid_text(const AsidReport& report);
// {"state_dir": path, "error": text|null, "pools": {"sev": {"in_use", "left", "budget",
//  "hardware", "configured", "clamped", "holders": [{"slot", "pid"}]}, "es-snp": ..., "sim": ...}}
nlohmann::json asid_json(const AsidReport& report);

}  // namespace er::sev::asid
