// `enclave-attest measure`: the expected launch digest, computed offline.
#include <iostream>
#include <memory>

#include "attestation/snp_page_list.hpp"
#include "cli.hpp"

namespace er::attest::cli {

namespace {

struct MeasureArgs {
    std::string snp_pages;
    bool json = false;
};

void run_measure(const MeasureArgs& a) {
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

}  // namespace

void register_measure(CLI::App& app) {
    auto args = std::make_shared<MeasureArgs>();
    CLI::App* cmd = app.add_subcommand(
        "measure", "compute the expected SNP launch digest (MEASUREMENT) without running anything");
    cmd->add_option("--snp-pages", args->snp_pages,
                    "page list: one 'GPA TYPE [FILE|PAGES]' per line, in launch order")
        ->required();
    cmd->add_flag("--json", args->json, "JSON output");
    cmd->callback([args] { run_measure(*args); });
}

}  // namespace er::attest::cli
