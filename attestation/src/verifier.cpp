#include "attestation/verifier.hpp"

#include <algorithm>

namespace er::attest {

namespace {

// The product decides roots and TCB layout: an explicit hint wins, then the report's CPUID
// fields (v3+); otherwise the VCEK's productName decides inside verify_chain.
ChainOptions chain_options(ByteView report, const VerifyOptions& options) {
    ChainOptions out{options.product, options.at};
    if (!out.product) {
        if (auto parsed = parse_report(report)) out.product = parsed->product();
    }
    return out;
}

void check_domains(const std::vector<DomainEntry>& log, const Policy& policy, Verdict& verdict) {
    if (policy.domains.empty()) return;
    std::string problems;
    auto note = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
    for (const ExpectedDomain& want : policy.domains) {
        auto it = std::find_if(log.begin(), log.end(),
                               [&](const DomainEntry& e) { return e.name == want.name; });
        if (it == log.end()) {
            note("domain '" + want.name + "' is missing from the log");
            continue;
        }
        if (want.image && *want.image != it->image)
            note("domain '" + want.name + "' image digest differs");
        if (want.filesystem && *want.filesystem != it->filesystem)
            note("domain '" + want.name + "' filesystem digest differs");
        if (want.arguments && *want.arguments != it->arguments)
            note("domain '" + want.name + "' arguments digest differs");
        if (want.isolation && *want.isolation != it->isolation)
            note("domain '" + want.name + "' isolation is " + it->isolation + ", expected " +
                 *want.isolation);
    }
    for (const DomainEntry& e : log) {
        bool expected = std::any_of(policy.domains.begin(), policy.domains.end(),
                                    [&](const ExpectedDomain& d) { return d.name == e.name; });
        if (!expected) note("domain '" + e.name + "' is not in the policy");
    }
    if (problems.empty()) {
        verdict.pass("domains");
    } else {
        verdict.fail(Reason::policy_domain, problems);
    }
}

}  // namespace

Verdict verify_report(const TrustStore& store, ByteView report, const std::vector<X509Ptr>& certs,
                      const Policy& policy, const VerifyOptions& options) {
    Verdict verdict;
    ChainOptions chain_opts = chain_options(report, options);
    auto chain = verify_chain(store, certs, chain_opts);
    if (!chain) {
        // Name the product the certificates claim (unverified) rather than "unknown".
        verdict.product = chain_opts.product
                              ? *chain_opts.product
                              : product_from_certificates(certs).value_or(Product::unknown);
        verdict.simulated_root = store.simulated(verdict.product);
        verdict.fail(chain.error());
        if (auto parsed = parse_report(report)) verdict.report = *parsed;
        return verdict;
    }
    verdict.pass("certificate_chain");
    ReportVerifier(std::move(*chain)).check(report, policy, verdict);
    return verdict;
}

Verdict verify_evidence(const TrustStore& store, ByteView cbor, const Policy& policy,
                        const VerifyOptions& options) {
    Verdict verdict;
    auto decoded = decode_evidence(cbor);
    if (!decoded) {
        verdict.fail(decoded.error());
        return verdict;
    }
    verdict.evidence = *decoded;
    const Evidence& ev = *verdict.evidence;
    verdict.hardware_backed = ev.hardware_backed;
    verdict.log_digest = replay_log(ev.log);

    if (policy.nonce) {
        if (*policy.nonce == ev.nonce) {
            verdict.pass("nonce");
        } else {
            verdict.fail(Reason::evidence_nonce, "evidence nonce " + to_hex(ev.nonce) +
                                                     " is not the challenge " +
                                                     to_hex(*policy.nonce));
        }
    }
    check_domains(ev.log, policy, verdict);
    // The nonce and the log are only authenticated through REPORT_DATA of a report whose
    // signature verified (the log binding): until then their checks may fail but not pass.
    std::vector<std::string> unauthenticated_passes = std::move(verdict.passed);
    verdict.passed.clear();
    if (!ev.hardware_backed) {
        verdict.fail(Reason::evidence_not_hardware_backed,
                     "evidence comes from the plain-KVM fallback (platform 'none'): nothing "
                     "vouches for the host, "
                     "so it is never trusted");
        return verdict;
    }

    std::vector<X509Ptr> certs;
    for (std::size_t i = 0; i < ev.certs.size(); ++i) {
        auto loaded = load_certificates(ev.certs[i], "evidence certificate " + std::to_string(i));
        if (!loaded) {
            verdict.fail(loaded.error());
            return verdict;
        }
        for (X509Ptr& c : *loaded) certs.push_back(std::move(c));
    }
    const ByteView report = *ev.report;
    Verdict report_verdict = verify_report(store, report, certs, policy, options);
    verdict.failures.insert(verdict.failures.end(), report_verdict.failures.begin(),
                            report_verdict.failures.end());
    verdict.warnings.insert(verdict.warnings.end(), report_verdict.warnings.begin(),
                            report_verdict.warnings.end());
    verdict.passed.insert(verdict.passed.end(), report_verdict.passed.begin(),
                          report_verdict.passed.end());
    verdict.signature_verified = report_verdict.signature_verified;
    verdict.simulated_root = report_verdict.simulated_root;
    verdict.product = report_verdict.product;
    verdict.report = report_verdict.report;

    if (verdict.report) {
        auto expected = binding_report_data(ev.nonce, *verdict.log_digest);
        if (expected == verdict.report->report_data) {
            if (verdict.signature_verified) {
                verdict.pass("log_binding");
                // Bound to a signed report: the nonce and log checks now vouch for something.
                verdict.passed.insert(verdict.passed.begin(), unauthenticated_passes.begin(),
                                      unauthenticated_passes.end());
            }
        } else {
            verdict.fail(Reason::evidence_log_binding,
                         "REPORT_DATA is not SHA-512(nonce || log digest): the measurement log or "
                         "nonce does not "
                         "belong to this report");
        }
    }
    return verdict;
}

}  // namespace er::attest
