#include <iostream>
#include <memory>

#include "cli.hpp"

namespace er::attest::cli {

namespace {

struct CertsArgs {
    ChainArgs chain;
    bool json = false;
};

void run_certs(const CertsArgs& a) {
    TrustStore store = load_trust_store(a.chain);
    std::vector<X509Ptr> certs = load_supplied_certs(a.chain);
    auto chain = verify_chain(store, certs,
                              ChainOptions{parse_product(a.chain.product), parse_time(a.chain.at)});
    if (a.json) {
        nlohmann::ordered_json j = {{"valid", chain.ok()}};
        if (chain) {
            j["chain"] = chain_json(*chain);
        } else {
            j["failure"] = {{"reason", std::string(reason_name(chain.error().reason))},
                            {"detail", chain.error().detail}};
        }
        std::cout << j.dump(2) << "\n";
    } else if (chain) {
        nlohmann::ordered_json j = chain_json(*chain);
        std::cout << "chain OK" << (chain->simulated_root ? " (SIMULATED root, not AMD)" : "")
                  << ": " << j["root"]["subject"].get<std::string>() << " -> "
                  << j["intermediate"]["subject"].get<std::string>() << " -> "
                  << j["leaf"]["subject"].get<std::string>() << " (product "
                  << j["product"].get<std::string>() << ")\n";
        for (const auto& [k, v] : j["extensions"].items())
            std::cout << "  " << k << ": " << v << "\n";
        std::cout << "  CA chain from AMD KDS: " << j["kds_cert_chain_url"].get<std::string>()
                  << "\n";
    } else {
        std::cout << "chain FAILED: " << chain.error().message() << "\n";
    }
    throw ExitCode{chain ? kExitTrusted : kExitUntrusted};
}

}  // namespace

void register_certs(CLI::App& app) {
    auto args = std::make_shared<CertsArgs>();
    CLI::App* cmd = app.add_subcommand("certs",
                                       "check a VCEK/VLEK chain against the pinned AMD roots "
                                       "(certificates come from files: fetch them "
                                       "from https://kdsintf.amd.com, see docs/attestation.md)");
    add_chain_options(*cmd, args->chain);
    cmd->add_flag("--json", args->json, "machine-readable output");
    cmd->callback([args] { run_certs(*args); });
}

}  // namespace er::attest::cli
