// The launcher's part of choosing each domain's isolation backend (docs/launcher.md): what it can
// refuse before the guest runs.  The guest makes the final choice (PIE, PKU, gadget scan) and
// reports it with ER_HC_DOMAIN_EXIT.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace er::launcher {

// Throws Error when `isolation` is ER_ISO_MPK and `app` (a valid ELF, read_app checked it) is not
// a static PIE: an MPK domain shares an address space, so the guest must choose where it loads.
void check_isolation_fits_app(const std::string& name, std::span<const uint8_t> app,
                              uint32_t isolation);

// What to do about the domains' requests on a CPU with or without protection keys.
struct PkuVerdict {
    enum class Kind { ok, notice, error };
    Kind kind = Kind::ok;
    std::string text;  // the line for notice and error, without "enclave-run: "
};

// `requested`: each domain's er_isolation, in domain order (its size is the domain count).
// Without PKU an MPK request is an error; AUTO falls back to page tables, which is worth a notice
// only when there are several domains to isolate from each other.
PkuVerdict pku_verdict(std::span<const uint32_t> requested, bool has_pku);

}  // namespace er::launcher
