// Shared pieces of the enclave-attest subcommands.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "attestation/chain.hpp"
#include "attestation/verifier.hpp"

namespace er::attest::cli {

// Exit codes: 0 trusted / success, 1 verification failed (named reasons printed),
// 2 unusable input or arguments.
inline constexpr int kExitTrusted = 0;
inline constexpr int kExitUntrusted = 1;
inline constexpr int kExitInputError = 2;

// Thrown by a subcommand callback to end with this exit status.
struct ExitCode {
    int code;
};

// Thrown for unusable input; main() prints it as one line and exits with kExitInputError.
struct InputError {
    Error error;
};

template <typename T>
T take(Expected<T> value) {
    if (!value) throw InputError{value.error()};
    return std::move(*value);
}

// Options shared by verify and certs.
struct ChainArgs {
    std::vector<std::string> cert_files;
    std::string cert_dir;
    std::string roots_dir;
    std::string trust_root;
    std::string product;
    std::string at;
};
void add_chain_options(CLI::App& app, ChainArgs& args);
TrustStore load_trust_store(const ChainArgs& args);
std::vector<X509Ptr> load_supplied_certs(const ChainArgs& args);
std::optional<Product> parse_product(const std::string& name);
// Unix seconds, "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC); empty means now.
std::time_t parse_time(const std::string& text);

// A report file (raw or hex) or an evidence CBOR file, told apart by the first byte.
bool looks_like_report(const Bytes& data);

nlohmann::ordered_json report_json(const AttestationReport& report, Product product);
nlohmann::ordered_json evidence_json(const Evidence& evidence);
nlohmann::ordered_json chain_json(const VerifiedChain& chain);
nlohmann::ordered_json verdict_json(const Verdict& verdict);
void print_report(const AttestationReport& report, Product product);
void print_evidence(const Evidence& evidence);
void print_verdict(const Verdict& verdict);
// KDS URL that serves the VCEK for this report (empty when the product is unknown).
std::string kds_vcek_url(const AttestationReport& report, Product product);
std::string kds_chain_url(Product product, bool vlek);

void register_verify(CLI::App& app);
void register_show(CLI::App& app);
void register_certs(CLI::App& app);
void register_measure(CLI::App& app);

}  // namespace er::attest::cli
