// Typed failure reasons and a small Expected<T> (C++20 has no std::expected yet).
// Every check in the verifier names exactly one Reason so that callers, tests and the CLI
// can tell failures apart without parsing prose.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace er::attest {

enum class Reason {
    // Input handling: a file that cannot be read, or a command line that cannot be used.
    io_error,
    usage_error,
    // Report parser.
    report_truncated,
    report_oversized,
    report_unknown_version,
    report_signature_algo,
    report_reserved_nonzero,
    report_policy_mbo_clear,
    report_signing_key,
    // Certificates and chain.
    cert_malformed,
    cert_extension,
    chain_missing_cert,
    chain_untrusted_root,
    chain_issuer_mismatch,
    chain_signature,
    chain_algorithm,
    chain_not_ca,
    chain_not_yet_valid,
    chain_expired,
    chain_leaf_key,
    product_unknown,
    product_mismatch,
    // Report against its certificate.
    report_signature,
    signing_key_mismatch,
    tcb_mismatch,
    hwid_mismatch,
    // Policy.
    policy_invalid,
    policy_measurement,
    policy_min_tcb,
    policy_debug,
    policy_smt,
    policy_migration_agent,
    policy_report_data,
    policy_host_data,
    policy_vmpl,
    policy_guest_svn,
    policy_domain,
    // Evidence bundle.
    evidence_malformed,
    evidence_not_hardware_backed,
    evidence_nonce,
    evidence_log_binding,
    // Launch digests: a page the PSP would refuse (unaligned GPA, unknown type, missing
    // contents), or a page list that cannot be read as one.
    launch_page_invalid,
    // `measure` of an enclave: its unikernel, apps or configuration cannot be measured (the
    // same one-line reason `enclave-run run` would give before any VM).
    enclave_input,
};

// Stable snake_case name used in human output, JSON output and tests.
std::string_view reason_name(Reason reason);

struct Error {
    Reason reason;
    std::string detail;

    // "<reason>: <detail>", the one line a user sees.
    std::string message() const;
};

template <typename T>
class Expected {
  public:
    Expected(T value) : state_(std::move(value)) {}
    Expected(Error error) : state_(std::move(error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(state_); }
    const T& value() const { return std::get<0>(state_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<1>(state_); }

  private:
    std::variant<T, Error> state_;
};

// For operations that only succeed or fail.
struct Unit {};
using Status = Expected<Unit>;
inline Status ok_status() {
    return Unit{};
}

}  // namespace er::attest
