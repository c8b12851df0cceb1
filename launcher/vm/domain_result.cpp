#include "launcher/vm/domain_result.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>

#include "launcher/vm/hypercalls.hpp"
#include "launcher/vm/vm_end.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

int domain_exit_status(const DomainResult& r) {
    if (r.reason == ER_EXIT_SIGNAL) return kExitSignalBase + static_cast<int>(r.signal);
    // Its app never ran: like an app `run` refuses before boot, a launcher-level failure.
    if (r.reason == ER_EXIT_REFUSED) return kExitLauncherError;
    return r.status & 0xff;
}

int enclave_exit_status(const DomainResults& results) {
    for (const auto& r : results) {
        if (!r) return kExitLauncherError;
        int status = domain_exit_status(*r);
        if (status != 0) return status;
    }
    return 0;
}

std::string status_text(const DomainResult& r) {
    if (r.reason == ER_EXIT_REFUSED) return "refused";
    if (r.reason != ER_EXIT_SIGNAL) return "exited " + std::to_string(r.status & 0xff);
    std::string text = "killed " + signal_name(r.signal);
    if (r.signal == SIGKILL && !r.message.empty()) text += " (" + r.message + ")";
    return text;
}

std::string format_memory(uint64_t bytes) {
    constexpr uint64_t kMiB = 1024 * 1024;
    if (bytes < kMiB) return std::to_string((bytes + 1023) / 1024) + " KiB";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / kMiB);
    return buf;
}

std::string isolation_text(const DomainResult& r) {
    switch (r.isolation) {
        case ER_ISO_PAGETABLE:
            return "pagetable";
        case ER_ISO_MPK:
            return "mpk (space " + std::to_string(r.mpk_space) + ", key " + std::to_string(r.pkey) +
                   ")";
        default:  // the hypercall server accepts no other value
            return "isolation " + std::to_string(r.isolation);
    }
}

std::string format_summary(const std::vector<std::string>& names, const DomainResults& results) {
    std::vector<std::vector<std::string>> rows{{"DOMAIN", "STATUS", "TIME", "MEMORY", "ISOLATION"}};
    for (size_t i = 0; i < names.size(); ++i) {
        const auto& r = i < results.size() ? results[i] : std::nullopt;
        if (!r) {
            rows.push_back({names[i], "unfinished", "-", "-", "-"});
            continue;
        }
        if (r->reason == ER_EXIT_REFUSED) {
            rows.push_back({names[i], status_text(*r), "-", "-", "-"});
            continue;
        }
        rows.push_back({names[i], status_text(*r), std::to_string(r->run_ns / 1'000'000) + " ms",
                        format_memory(r->peak_mem_bytes), isolation_text(*r)});
    }
    std::vector<size_t> width(5, 0);
    for (const auto& row : rows) {
        for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    }
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (size_t c = 0; c < row.size(); ++c) {
            line += row[c];
            // Left-aligned columns two spaces apart; no trailing spaces after the last.
            if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

}  // namespace er::launcher
