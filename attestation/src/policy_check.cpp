#include <algorithm>

#include "attestation/verifier.hpp"

namespace er::attest {

void check_policy(const AttestationReport& report, Product product, const Policy& policy,
                  Verdict& verdict) {
    auto expect = [&](bool ok, Reason reason, const char* name, std::string detail) {
        if (ok) {
            verdict.pass(name);
        } else {
            verdict.fail(reason, std::move(detail));
        }
    };
    if (!policy.measurements.empty()) {
        bool known = std::find(policy.measurements.begin(), policy.measurements.end(),
                               report.measurement) != policy.measurements.end();
        expect(known, Reason::policy_measurement, "measurement",
               "MEASUREMENT " + to_hex(report.measurement) + " is not an expected measurement");
    } else {
        // The chain and signature only prove genuine AMD hardware; the measurement is what
        // says which code runs in it.
        verdict.warn(
            "no measurement pinned (--measurement, or \"measurements\" in the policy): any "
            "guest on genuine AMD hardware passes, whatever code it runs");
    }
    if (policy.min_tcb) {
        TcbVersion tcb = decode_tcb(report.reported_tcb, product);
        const MinimumTcb& min = *policy.min_tcb;
        std::string low;
        auto below = [&](const char* name, int have, int want) {
            if (have < want)
                low += (low.empty() ? "" : ", ") + std::string(name) + " " + std::to_string(have) +
                       " < " + std::to_string(want);
        };
        if (product_has_fmc(product)) below("fmc", tcb.fmc, min.fmc);
        below("bootloader", tcb.bootloader, min.bootloader);
        below("tee", tcb.tee, min.tee);
        below("snp", tcb.snp, min.snp);
        below("microcode", tcb.microcode, min.microcode);
        expect(low.empty(), Reason::policy_min_tcb, "min_tcb",
               "REPORTED_TCB below the minimum: " + low);
    }
    expect(!report.debug_allowed() || policy.allow_debug, Reason::policy_debug, "debug",
           "guest policy allows debugging (bit 19), which the policy forbids");
    expect(!report.smt_allowed() || policy.allow_smt, Reason::policy_smt, "smt",
           "guest policy allows SMT (bit 16), which the policy forbids");
    expect(!report.migration_agent_allowed() || policy.allow_migration_agent,
           Reason::policy_migration_agent, "migration_agent",
           "guest policy allows a migration agent (bit 18), which the policy forbids");
    if (policy.report_data) {
        expect(*policy.report_data == report.report_data, Reason::policy_report_data, "report_data",
               "REPORT_DATA " + to_hex(report.report_data) + " is not the expected " +
                   to_hex(*policy.report_data));
    }
    if (policy.host_data) {
        expect(*policy.host_data == report.host_data, Reason::policy_host_data, "host_data",
               "HOST_DATA " + to_hex(report.host_data) + " is not the expected " +
                   to_hex(*policy.host_data));
    }
    if (policy.vmpl) {
        expect(report.vmpl == *policy.vmpl, Reason::policy_vmpl, "vmpl",
               "VMPL " + std::to_string(report.vmpl) + " is not the expected " +
                   std::to_string(*policy.vmpl));
    }
    if (policy.min_guest_svn) {
        expect(report.guest_svn >= *policy.min_guest_svn, Reason::policy_guest_svn, "guest_svn",
               "GUEST_SVN " + std::to_string(report.guest_svn) + " < " +
                   std::to_string(*policy.min_guest_svn));
    }
}

}  // namespace er::attest
