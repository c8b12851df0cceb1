// `enclave-attest measure`: what a verifier should expect, computed offline.
//   --snp-pages LIST: the SNP launch digest of an explicit page list (any guest);
//   --kernel K [enclave options] APP...: an enclave-run enclave, from the same unikernel, apps
//     and configuration `enclave-run run` is given (launcher/confidential/expected_measurement),
//     with the measurement log the guest will compute, domain by domain.
#include <fstream>
#include <iostream>
#include <memory>

#include "attestation/snp_page_list.hpp"
#include "cli.hpp"
#include "launcher/cli/enclave_options.hpp"
#include "launcher/common/error.hpp"
#include "launcher/common/hex.hpp"
#include "launcher/confidential/expected_measurement.hpp"
#include "launcher/confidential/guest_policy_option.hpp"
#include "launcher/enclave/enclave_setup.hpp"
#include "launcher/vm/launch_image.hpp"

namespace er::attest::cli {

namespace {

struct MeasureArgs {
    std::string snp_pages;
    bool json = false;
    bool stats = false;
    std::string assume_pku = "yes";
    std::string policy_out;
    launcher::RunOptions enclave;
};

nlohmann::ordered_json entry_json(const DomainEntry& e) {
    nlohmann::ordered_json j;
    j["name"] = e.name;
    j["image"] = to_hex(e.image);
    j["filesystem"] = to_hex(e.filesystem);
    j["arguments"] = to_hex(e.arguments);
    j["isolation"] = e.isolation;
    return j;
}

void measure_pages(const MeasureArgs& a) {
    SnpPageListDigest m = take(measure_snp_page_list_file(a.snp_pages));
    if (a.json) {
        nlohmann::ordered_json j;
        j["snp_launch_digest"] = to_hex(m.digest);
        j["pages"] = m.pages;
        std::cout << j.dump(2) << "\n";
    } else {
        // The bare digest, so that it can be passed to `verify --measurement` as it is.
        std::cout << to_hex(m.digest) << "\n";
    }
}

uint32_t measured_mode(const std::optional<std::string>& requested) {
    std::string mode = requested.value_or("snp");
    if (mode == "snp") return ER_CC_SNP;
    if (mode == "sim") return ER_CC_SIM;
    if (mode == "es") return ER_CC_SEV_ES;
    if (mode == "sev") return ER_CC_SEV;
    throw launcher::Error("measure: --confidential " + mode +
                          ": expected snp, sim, es or sev (a launch that is measured)");
}

launcher::ExpectedMeasurement measure_enclave(const MeasureArgs& a, uint32_t& mode) {
    if (!a.enclave.kernel) {
        throw launcher::Error(
            "measure: --kernel PATH is required (the unikernel enclave-run boots: "
            "unikernel.elf from its build)");
    }
    if (a.assume_pku != "yes" && a.assume_pku != "no")
        throw launcher::Error("measure: --assume-pku " + a.assume_pku + ": expected yes or no");
    launcher::EnclavePlan plan = launcher::make_plan(a.enclave);
    mode = measured_mode(a.enclave.confidential ? a.enclave.confidential : plan.confidential);
    std::unique_ptr<launcher::GuestRam> ram;
    launcher::DomainLayout domains = launcher::load_enclave_domains(plan, ram);
    launcher::KernelInput kernel = launcher::load_kernel_input(a.enclave.kernel, {});
    launcher::BootConfig boot;
    boot.mem_size = plan.mem_size;
    boot.timer_period_us = plan.tick_ms * 1000;
    boot.stats = a.stats;
    boot.attest = true;  // a report exists only for an enclave run with --attest
    boot.confidential = mode;
    launcher::write_launch_image(ram->memory(), kernel.image, kernel.bytes, domains, boot);
    return launcher::expected_measurement(ram->memory(), kernel.image, domains, mode,
                                          a.assume_pku == "yes");
}

void write_policy(const std::string& path, const launcher::ExpectedMeasurement& m,
                  const sev::GuestPolicy& guest) {
    nlohmann::ordered_json policy;
    policy["measurements"] = nlohmann::ordered_json::array({to_hex(m.snp_launch_digest)});
    // The report's POLICY is the launch's --guest-policy: accept exactly what it allows.
    policy["allow_debug"] = guest.debug;
    policy["allow_smt"] = guest.smt;
    policy["domains"] = nlohmann::ordered_json::array();
    for (const DomainEntry& e : m.log) policy["domains"].push_back(entry_json(e));
    std::ofstream out(path, std::ios::trunc);
    out << policy.dump(2) << "\n";
    out.close();
    if (!out) throw InputError{Error{Reason::io_error, "cannot write the policy to " + path}};
}

void run_measure(MeasureArgs& a, const std::vector<std::string>& rest) {
    if (!a.snp_pages.empty()) {
        if (a.enclave.kernel || !rest.empty() || a.enclave.manifest) {
            throw InputError{Error{Reason::usage_error,
                                   "--snp-pages measures a page list; give no enclave as well"}};
        }
        measure_pages(a);
        return;
    }
    a.enclave.rest = rest;
    launcher::ExpectedMeasurement m;
    uint32_t mode = ER_CC_SNP;
    try {
        m = measure_enclave(a, mode);
    } catch (const launcher::Error& e) {
        throw InputError{Error{Reason::enclave_input, e.what()}};
    }
    if (!a.policy_out.empty()) {
        if (mode == ER_CC_SEV || mode == ER_CC_SEV_ES) {
            throw InputError{Error{Reason::usage_error,
                                   "--policy-out pins an SNP measurement; SEV and SEV-ES have none "
                                   "a verifier can check without the guest owner's TIK"}};
        }
        sev::GuestPolicy guest;
        try {
            if (a.enclave.guest_policy)
                guest = launcher::guest_policy_from(*a.enclave.guest_policy);
        } catch (const launcher::Error& e) {
            throw InputError{Error{Reason::enclave_input, e.what()}};
        }
        write_policy(a.policy_out, m, guest);
    }
    bool sev = mode == ER_CC_SEV || mode == ER_CC_SEV_ES;
    if (!a.json) {
        std::cout << (sev ? to_hex(m.sev_launch_digest) : to_hex(m.snp_launch_digest)) << "\n";
        return;
    }
    nlohmann::ordered_json j;
    if (sev) {
        j["sev_launch_digest"] = to_hex(m.sev_launch_digest);
    } else {
        j["snp_launch_digest"] = to_hex(m.snp_launch_digest);
    }
    j["regions"] = nlohmann::ordered_json::array();
    for (const launcher::PlannedRegion& r : m.regions) {
        nlohmann::ordered_json rj;
        rj["gpa"] = launcher::hex(r.gpa);
        rj["pages"] = r.size / 4096;
        rj["type"] = static_cast<int>(r.type);
        rj["what"] = r.what;
        j["regions"].push_back(rj);
    }
    j["log"] = nlohmann::ordered_json::array();
    for (const DomainEntry& e : m.log) j["log"].push_back(entry_json(e));
    j["log_digest"] = to_hex(replay_log(m.log));
    std::cout << j.dump(2) << "\n";
}

}  // namespace

void register_measure(CLI::App& app) {
    auto args = std::make_shared<MeasureArgs>();
    CLI::App* cmd = app.add_subcommand(
        "measure",
        "compute the expected SNP launch digest (MEASUREMENT) and measurement log without "
        "running anything");
    cmd->add_option("--snp-pages", args->snp_pages,
                    "page list: one 'GPA TYPE [FILE|PAGES]' per line, in launch order");
    launcher::add_enclave_options(*cmd, args->enclave);
    cmd->add_flag("--stats", args->stats, "the enclave is run with --stats (it is measured)");
    cmd->add_option("--assume-pku", args->assume_pku,
                    "whether the enclave's CPU has protection keys: decides what isolation "
                    "auto becomes (default yes)")
        ->type_name("yes|no");
    cmd->add_option("--policy-out", args->policy_out,
                    "also write a verify --policy file pinning the measurement and every domain")
        ->type_name("FILE");
    cmd->add_flag("--json", args->json, "JSON output");
    cmd->footer(
        "Enclave: --kernel unikernel.elf [-m SIZE] [-f enclave.json] [--confidential snp|sim] "
        "... APP [ARGS...] [--- APP [ARGS...]]..., exactly as given to enclave-run run "
        "(docs/attestation.md \"Expected measurement\").");
    cmd->callback([args, cmd] { run_measure(*args, cmd->remaining()); });
}

}  // namespace er::attest::cli
