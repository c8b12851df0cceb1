#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <stdexcept>

#include "attestation/certificate.hpp"
#include "attestation/report.hpp"
#include "cli.hpp"

namespace er::attest::cli {

void add_chain_options(CLI::App& app, ChainArgs& args) {
    app.add_option(
        "--certs", args.cert_files,
        "certificate files (PEM bundles or DER): the VCEK/VLEK, optionally the ASK/ASVK and ARK");
    app.add_option("--certs-dir", args.cert_dir, "directory whose certificate files are all read");
    app.add_option("--roots-dir", args.roots_dir,
                   "replace the built-in AMD roots with the ARK/ASK/ASVK files in this directory");
    app.add_option("--trust-root", args.trust_root,
                   "trust this PEM ARK (optionally with its ASK), e.g. the software PSP's "
                   "ark.pem, for its product in place of AMD's; every verdict that relies on it "
                   "says SIMULATED");
    app.add_option("--product", args.product,
                   "Milan, Genoa or Turin (needed for v2 reports of unnamed products)");
    app.add_option(
        "--at", args.at,
        "check certificate validity at this time: unix seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ "
        "(default: now)");
}

TrustStore load_trust_store(const ChainArgs& args) {
    TrustStore store = args.roots_dir.empty() ? take(TrustStore::builtin())
                                              : take(TrustStore::from_directory(args.roots_dir));
    if (!args.trust_root.empty()) {
        auto certs = take(load_certificate_file(args.trust_root));
        take(store.trust_simulated_root(std::move(certs), args.trust_root));
    }
    return store;
}

std::vector<X509Ptr> load_supplied_certs(const ChainArgs& args) {
    std::vector<std::filesystem::path> files(args.cert_files.begin(), args.cert_files.end());
    if (!args.cert_dir.empty()) {
        std::error_code ec;
        std::vector<std::filesystem::path> in_dir;
        for (const auto& entry : std::filesystem::directory_iterator(args.cert_dir, ec)) {
            // Certificate directories often carry a README or notes next to the certificates.
            auto ext = entry.path().extension().string();
            if (entry.is_regular_file() && ext != ".txt" && ext != ".md")
                in_dir.push_back(entry.path());
        }
        if (ec)
            throw InputError{
                {Reason::io_error, "cannot read " + args.cert_dir + ": " + ec.message()}};
        std::sort(in_dir.begin(), in_dir.end());
        files.insert(files.end(), in_dir.begin(), in_dir.end());
    }
    std::vector<X509Ptr> certs;
    for (const auto& file : files) {
        for (X509Ptr& c : take(load_certificate_file(file))) certs.push_back(std::move(c));
    }
    return certs;
}

std::optional<Product> parse_product(const std::string& name) {
    if (name.empty()) return std::nullopt;
    auto p = product_from_name(name);
    if (!p)
        throw InputError{
            {Reason::usage_error, "unknown product '" + name + "' (Milan, Genoa, Turin)"}};
    return p;
}

std::time_t parse_time(const std::string& text) {
    if (text.empty()) return std::time(nullptr);
    const std::string usage =
        "cannot read time '" + text + "' (use YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or unix seconds)";
    if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
        try {
            return static_cast<std::time_t>(std::stoll(text));
        } catch (const std::out_of_range&) {
            throw InputError{{Reason::usage_error, usage}};
        }
    }
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (end == nullptr || *end != '\0') {
        tm = {};
        end = strptime(text.c_str(), "%Y-%m-%d", &tm);
    }
    if (end == nullptr || *end != '\0') throw InputError{{Reason::usage_error, usage}};
    return timegm(&tm);
}

bool looks_like_report(const Bytes& data) {
    // Evidence is a CBOR map (major type 5, first byte 0xA0..0xBF); a report starts with its
    // little-endian version (02..05) and hex text with an ASCII digit.
    return data.empty() || (data[0] >> 5) != 5;
}

}  // namespace er::attest::cli
