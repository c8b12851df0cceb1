#include "attestation/result.hpp"

namespace er::attest {

std::string_view reason_name(Reason reason) {
    switch (reason) {
#define ER_REASON(name) \
    case Reason::name:  \
        return #name;
        ER_REASON(io_error)
        ER_REASON(usage_error)
        ER_REASON(report_truncated)
        ER_REASON(report_oversized)
        ER_REASON(report_unknown_version)
        ER_REASON(report_signature_algo)
        ER_REASON(report_reserved_nonzero)
        ER_REASON(report_policy_mbo_clear)
        ER_REASON(report_signing_key)
        ER_REASON(cert_malformed)
        ER_REASON(cert_extension)
        ER_REASON(chain_missing_cert)
        ER_REASON(chain_untrusted_root)
        ER_REASON(chain_issuer_mismatch)
        ER_REASON(chain_signature)
        ER_REASON(chain_algorithm)
        ER_REASON(chain_not_ca)
        ER_REASON(chain_not_yet_valid)
        ER_REASON(chain_expired)
        ER_REASON(chain_leaf_key)
        ER_REASON(product_unknown)
        ER_REASON(product_mismatch)
        ER_REASON(report_signature)
        ER_REASON(signing_key_mismatch)
        ER_REASON(tcb_mismatch)
        ER_REASON(hwid_mismatch)
        ER_REASON(policy_invalid)
        ER_REASON(policy_measurement)
        ER_REASON(policy_min_tcb)
        ER_REASON(policy_debug)
        ER_REASON(policy_smt)
        ER_REASON(policy_migration_agent)
        ER_REASON(policy_report_data)
        ER_REASON(policy_host_data)
        ER_REASON(policy_vmpl)
        ER_REASON(policy_guest_svn)
        ER_REASON(policy_domain)
        ER_REASON(evidence_malformed)
        ER_REASON(evidence_not_hardware_backed)
        ER_REASON(evidence_nonce)
        ER_REASON(evidence_log_binding)
        ER_REASON(launch_page_invalid)
        ER_REASON(enclave_input)
#undef ER_REASON
    }
    return "unknown_reason";
}

std::string Error::message() const {
    return std::string(reason_name(reason)) + ": " + detail;
}

}  // namespace er::attest
