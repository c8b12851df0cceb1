#include <iostream>
#include <memory>

#include "cli.hpp"

namespace er::attest::cli {

namespace {

struct ShowArgs {
    std::string file, product;
    bool json = false;
};

void run_show(const ShowArgs& a) {
    Bytes data = take(read_file(a.file));
    std::optional<Product> hint = parse_product(a.product);
    if (looks_like_report(data)) {
        Bytes report = take(load_report_file(a.file));
        AttestationReport r = take(parse_report(report));
        Product product = hint ? *hint : r.product().value_or(Product::unknown);
        if (a.json) {
            std::cout << report_json(r, product).dump(2) << "\n";
        } else {
            print_report(r, product);
            if (product == Product::unknown)
                std::cout << "  (TCB shown in the Milan/Genoa layout; pass --product for Turin)\n";
        }
        return;
    }
    Evidence ev = take(decode_evidence(data));
    nlohmann::ordered_json j = evidence_json(ev);
    std::optional<AttestationReport> r;
    Product product = hint.value_or(Product::unknown);
    if (ev.report) {
        r = take(parse_report(*ev.report));
        if (!hint) product = r->product().value_or(Product::unknown);
        j["report"] = report_json(*r, product);
    }
    if (a.json) {
        std::cout << j.dump(2) << "\n";
    } else {
        print_evidence(ev);
        if (r) print_report(*r, product);
    }
}

}  // namespace

void register_show(CLI::App& app) {
    auto args = std::make_shared<ShowArgs>();
    CLI::App* cmd =
        app.add_subcommand("show", "decode a report (raw or hex) or an evidence bundle");
    cmd->add_option("file", args->file, "report or evidence file")->required();
    cmd->add_option("--product", args->product, "Milan, Genoa or Turin: selects the TCB layout");
    cmd->add_flag("--json", args->json, "machine-readable output");
    cmd->callback([args] { run_show(*args); });
}

}  // namespace er::attest::cli
