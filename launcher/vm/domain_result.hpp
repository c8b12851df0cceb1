// How each domain ended (ER_HC_DOMAIN_EXIT), the summary table printed when the enclave ends,
// and enclave-run's exit status derived from the domains (docs/launcher.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace er::launcher {

struct DomainResult {
    uint32_t reason = 0;  // ER_EXIT_NORMAL, ER_EXIT_SIGNAL or ER_EXIT_REFUSED (never started)
    int32_t status = 0;   // exit code (NORMAL)
    uint32_t signal = 0;  // SIGNAL
    std::string message;  // sanitised guest text, e.g. "memory limit exceeded"
    uint64_t run_ns = 0;
    uint64_t peak_mem_bytes = 0;
    uint32_t isolation = 0;  // er_isolation the domain got: PAGETABLE or MPK
    uint32_t pkey = 0;       // MPK: its protection key (1..ER_MPK_KEYS)
    uint32_t mpk_space = 0;  // MPK: which shared address space
};

// One slot per domain, in domain order; empty while the domain runs (or if it never reported).
using DomainResults = std::vector<std::optional<DomainResult>>;

// The domain's own status: exit code & 0xff, 128 + signal, or 125 when the guest refused it.
int domain_exit_status(const DomainResult& r);

// enclave-run's status: with one domain its status; with several 0 when all exited 0, else the
// status of the first failed domain in domain order.  Every slot must be filled.
int enclave_exit_status(const DomainResults& results);

// "exited 0", "killed SIGSEGV", "killed SIGKILL (memory limit exceeded)": a SIGKILL carries the
// libOS's reason (it has no fault to show); other kills were described by the kill line already.
std::string status_text(const DomainResult& r);
// "532 KiB", "12.5 MiB".
std::string format_memory(uint64_t bytes);
// "pagetable", "mpk (space 0, key 3)".
std::string isolation_text(const DomainResult& r);

// The summary: a header then one row per domain (name, status, time, memory, isolation), columns
// aligned, each line newline-terminated.  A domain without a result shows as `unfinished`.
std::string format_summary(const std::vector<std::string>& names, const DomainResults& results);

}  // namespace er::launcher
