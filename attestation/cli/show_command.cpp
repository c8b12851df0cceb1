#include <iostream>
#include <memory>

#include "attestation/certificate.hpp"
#include "cli.hpp"

namespace er::attest::cli {

namespace {

struct ShowArgs {
    std::string file, product;
    std::vector<std::string> cert_files;
    bool json = false;
};

// Which product line decides the TCB layout and the KDS URL, and where that came from:
// --product, else the report's CPUID (v3+), else the certificates (a v2 report names no
// product; its VCEK's productName or its CA's name does), else a Turin-shaped CHIP_ID.
struct ShownProduct {
    Product product = Product::unknown;
    std::string source = "unknown";
};

ShownProduct show_product(const AttestationReport& r, std::optional<Product> hint,
                          const std::vector<X509Ptr>& certs) {
    if (hint) return {*hint, "--product"};
    if (r.cpuid_family) {
        if (auto p = r.product()) return {*p, "report CPUID"};
    }
    if (auto p = product_from_certificates(certs)) return {*p, "certificates (not verified)"};
    if (auto p = r.product()) return {*p, "CHIP_ID shape"};
    return {};
}

void print_product_source(const ShownProduct& shown) {
    if (shown.product == Product::unknown) {
        std::cout << "  (product unknown: TCB shown in the Milan/Genoa layout; pass --product or "
                     "--certs)\n";
    } else {
        std::cout << "  product_source: " << shown.source << "\n";
    }
}

void run_show(const ShowArgs& a) {
    Bytes data = take(read_file(a.file));
    std::optional<Product> hint = parse_product(a.product);
    ChainArgs chain_args;
    chain_args.cert_files = a.cert_files;
    std::vector<X509Ptr> certs = load_supplied_certs(chain_args);
    if (looks_like_report(data)) {
        Bytes report = take(load_report_file(a.file));
        AttestationReport r = take(parse_report(report));
        ShownProduct shown = show_product(r, hint, certs);
        if (a.json) {
            nlohmann::ordered_json j = report_json(r, shown.product);
            j["product_source"] = shown.source;
            std::cout << j.dump(2) << "\n";
        } else {
            print_report(r, shown.product);
            print_product_source(shown);
        }
        return;
    }
    Evidence ev = take(decode_evidence(data));
    // The bundle's own certificates name the product of its report.
    for (std::size_t i = 0; i < ev.certs.size(); ++i) {
        auto loaded = load_certificates(ev.certs[i], "evidence certificate " + std::to_string(i));
        if (!loaded) continue;  // `show` decodes what it can; `verify` names the failure
        for (X509Ptr& c : *loaded) certs.push_back(std::move(c));
    }
    nlohmann::ordered_json j = evidence_json(ev);
    std::optional<AttestationReport> r;
    ShownProduct shown{hint.value_or(Product::unknown), hint ? "--product" : "unknown"};
    if (ev.report) {
        r = take(parse_report(*ev.report));
        shown = show_product(*r, hint, certs);
        j["report"] = report_json(*r, shown.product);
        j["report"]["product_source"] = shown.source;
    }
    if (a.json) {
        std::cout << j.dump(2) << "\n";
    } else {
        print_evidence(ev);
        if (r) {
            print_report(*r, shown.product);
            print_product_source(shown);
        }
    }
}

}  // namespace

void register_show(CLI::App& app) {
    auto args = std::make_shared<ShowArgs>();
    CLI::App* cmd =
        app.add_subcommand("show", "decode a report (raw or hex) or an evidence bundle");
    cmd->add_option("file", args->file, "report or evidence file")->required();
    cmd->add_option("--product", args->product, "Milan, Genoa or Turin: selects the TCB layout");
    cmd->add_option("--certs", args->cert_files,
                    "the report's VCEK/VLEK or CA chain: names the product of a v2 report "
                    "(not verified; use verify for that)");
    cmd->add_flag("--json", args->json, "machine-readable output");
    cmd->callback([args] { run_show(*args); });
}

}  // namespace er::attest::cli
