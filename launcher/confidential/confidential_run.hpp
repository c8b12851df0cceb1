// Everything a run needs decided about confidentiality before any input is read or any VM
// exists: the mode (confidential_mode.hpp), the guest policy, an ASID slot from the host's
// budget (sev/asid/), and for `sim` the software PSP.  Held for the whole run: the ASID slot is
// released when this object or the process goes, however it goes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "launcher/cli/run_options.hpp"
#include "launcher/confidential/sim_session.hpp"
#include "sev/asid/asid_budget.hpp"
#include "sev/launch/confidential_launch.hpp"

namespace er::launcher {

struct ConfidentialRun {
    uint32_t mode = ER_CC_OFF;  // er_confidential
    sev::GuestPolicy policy;
    std::optional<sev::asid::AsidSlot> slot;
    std::unique_ptr<SimSession> sim;
    std::vector<std::string> warnings;  // one line each, for stderr before the run
};

// `requested`: --confidential, else the manifest's, else nullopt (off).  Throws Error, one line,
// for a mode the host cannot run, a bad --guest-policy or --asid-budget, or no ASID left when a
// mode was named (auto falls back to plain KVM instead, with a warning).
ConfidentialRun prepare_confidential(const std::optional<std::string>& requested,
                                     const RunOptions& options);

}  // namespace er::launcher
