// The verdict: chain, report signature, report-vs-certificate consistency, policy and, for
// evidence bundles, the measurement-log binding. Every failed check is one named Error.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "attestation/chain.hpp"
#include "attestation/evidence.hpp"
#include "attestation/policy.hpp"
#include "attestation/report.hpp"

namespace er::attest {

struct VerifyOptions {
    std::optional<Product> product;  // needed only for v2 reports whose VCEK names no product
    std::time_t at = 0;              // certificate validity is checked at this time; 0 = now
};

struct Verdict {
    std::vector<Error> failures;
    // Names of the checks that passed, in order. A check on data nobody authenticated (a
    // report field whose signature failed, an evidence field not bound to a verified report)
    // is never listed here, even when its value matches.
    std::vector<std::string> passed;
    // Not failures, but weaknesses of the policy the verdict was reached under.
    std::vector<std::string> warnings;
    bool signature_verified = false;
    bool hardware_backed = true;
    // The chain (verified or not) ends at a simulated root (`--trust-root`, the software PSP):
    // whatever the verdict, it says nothing about AMD hardware. Shown as SIMULATED.
    bool simulated_root = false;
    Product product = Product::unknown;
    std::optional<AttestationReport> report;
    std::optional<Evidence> evidence;
    std::optional<Digest384> log_digest;

    // Trusted only when a hardware signature verified and nothing failed.
    bool trusted() const { return failures.empty() && signature_verified && hardware_backed; }
    bool has(Reason reason) const;
    void fail(Reason reason, std::string detail) {
        failures.push_back(Error{reason, std::move(detail)});
    }
    void fail(Error error) { failures.push_back(std::move(error)); }
    void pass(std::string check) { passed.push_back(std::move(check)); }
    void warn(std::string text) { warnings.push_back(std::move(text)); }
};

// Verifies reports against one already verified chain: the chain work (RSA) is done once
// and only the per-report work (ECDSA and field checks) is repeated.
class ReportVerifier {
  public:
    explicit ReportVerifier(VerifiedChain chain) : chain_(std::move(chain)) {}

    void check(ByteView report, const Policy& policy, Verdict& verdict) const;
    Verdict verify(ByteView report, const Policy& policy) const;
    const VerifiedChain& chain() const { return chain_; }

  private:
    // Everything after the signature: structure, report vs certificate, policy.
    void check_fields(ByteView report, const Policy& policy, Verdict& verdict) const;

    VerifiedChain chain_;
};

// Report checks that need no certificate: guest policy bits, measurement, report_data,
// host_data, VMPL, guest SVN, minimum reported TCB. Warns when no measurement is pinned.
void check_policy(const AttestationReport& report, Product product, const Policy& policy,
                  Verdict& verdict);

Verdict verify_report(const TrustStore& store, ByteView report, const std::vector<X509Ptr>& certs,
                      const Policy& policy, const VerifyOptions& options);
Verdict verify_evidence(const TrustStore& store, ByteView cbor, const Policy& policy,
                        const VerifyOptions& options);

}  // namespace er::attest
