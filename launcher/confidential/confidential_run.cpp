#include "launcher/confidential/confidential_run.hpp"

#include "launcher/common/error.hpp"
#include "launcher/confidential/confidential_mode.hpp"
#include "launcher/confidential/guest_policy_option.hpp"
#include "sev/asid/asid_report.hpp"
#include "sev/platform_probe.hpp"

namespace er::launcher {
namespace {

sev::asid::Pool pool_of(uint32_t mode) {
    switch (mode) {
        case ER_CC_SEV:
            return sev::asid::Pool::sev;
        case ER_CC_SIM:
            return sev::asid::Pool::sim;
        default:
            return sev::asid::Pool::es_snp;
    }
}

}  // namespace

ConfidentialRun prepare_confidential(const std::optional<std::string>& requested,
                                     const RunOptions& options) {
    ConfidentialRun run;
    ConfidentialRequest request =
        requested ? confidential_request_from(*requested) : ConfidentialRequest::off;
    if (options.guest_policy) run.policy = guest_policy_from(*options.guest_policy);
    std::optional<uint32_t> budget;
    try {
        if (options.asid_budget)
            budget = sev::asid::parse_budget(*options.asid_budget, "--asid-budget");
    } catch (const sev::asid::AsidError& e) {
        throw Error(e.what());
    }

    ConfidentialChoice choice;
    if (request == ConfidentialRequest::off || request == ConfidentialRequest::sim) {
        choice = choose_confidential(request, sev::PlatformReport{});  // needs no facts
    } else {
        sev::HostProbe probe;
        choice = choose_confidential(request, sev::probe_platform(probe));
    }
    if (!choice.warning.empty()) run.warnings.push_back(choice.warning);
    run.mode = choice.mode;
    if (run.mode == ER_CC_OFF) return run;

    try {
        sev::asid::AsidBudget pool = sev::asid::AsidBudget::open(pool_of(run.mode), budget);
        run.slot = pool.try_acquire();
        if (!run.slot) {
            sev::asid::Usage usage = pool.usage();
            std::string why = "no ASID left for a " +
                              std::string(confidential_mode_name(run.mode)) +
                              " enclave: " + std::to_string(usage.in_use) + " of " +
                              std::to_string(pool.budget()) + " in use (" + pool.path() + ")";
            if (request != ConfidentialRequest::automatic) throw Error(why);
            run.warnings.push_back("warning: --confidential auto: " + why +
                                   "; running on plain KVM: the evidence is not hardware-backed");
            run.mode = ER_CC_OFF;
            return run;
        }
    } catch (const sev::asid::AsidError& e) {
        throw Error(e.what());
    }
    if (run.mode == ER_CC_SIM) run.sim = std::make_unique<SimSession>(sim_psp_dir());
    return run;
}

}  // namespace er::launcher
