#include <cstring>

#include "attestation/signature.hpp"
#include "attestation/verifier.hpp"

namespace er::attest {

bool Verdict::has(Reason reason) const {
    for (const Error& e : failures)
        if (e.reason == reason) return true;
    return false;
}

namespace {

std::string spl_text(const char* name, int report_value, int cert_value) {
    return std::string(name) + " report " + std::to_string(report_value) + " != certificate " +
           std::to_string(cert_value);
}

// The VCEK is derived for exactly one TCB: REPORTED_TCB (never CURRENT_TCB, which may be newer).
void check_tcb(const AttestationReport& report, const VerifiedChain& chain, Verdict& verdict) {
    const KdsExtensions& ext = chain.extensions;
    TcbVersion tcb = decode_tcb(report.reported_tcb, chain.product);
    struct Field {
        const char* name;
        std::uint8_t reported;
        const std::optional<std::uint8_t>& cert;
    };
    std::vector<Field> fields = {{"blSPL", tcb.bootloader, ext.bootloader},
                                 {"teeSPL", tcb.tee, ext.tee},
                                 {"snpSPL", tcb.snp, ext.snp},
                                 {"ucodeSPL", tcb.microcode, ext.microcode}};
    if (product_has_fmc(chain.product)) fields.push_back({"fmcSPL", tcb.fmc, ext.fmc});
    std::string mismatches;
    for (const Field& f : fields) {
        if (!f.cert) {
            verdict.fail(Reason::cert_extension,
                         std::string("certificate has no ") + f.name + " extension");
            return;
        }
        if (*f.cert != f.reported)
            mismatches += (mismatches.empty() ? "" : ", ") + spl_text(f.name, f.reported, *f.cert);
    }
    if (!mismatches.empty()) {
        verdict.fail(Reason::tcb_mismatch,
                     "REPORTED_TCB does not match the certificate: " + mismatches);
    } else {
        verdict.pass("tcb");
    }
}

void check_hwid(const AttestationReport& report, const VerifiedChain& chain, Verdict& verdict) {
    if (chain.kind != LeafKind::vcek) return;  // a VLEK is not bound to one chip
    const Bytes& hwid = *chain.extensions.hwid;
    // Turin VCEKs carry only the first 8 bytes of CHIP_ID.
    std::size_t n = product_has_fmc(chain.product) ? 8 : 64;
    if (report.mask_chip_key) {
        verdict.fail(Reason::hwid_mismatch,
                     "report has MASK_CHIP_KEY set, so CHIP_ID cannot be matched to the VCEK");
    } else if (hwid.size() != n || std::memcmp(hwid.data(), report.chip_id.data(), n) != 0) {
        verdict.fail(Reason::hwid_mismatch, "CHIP_ID " +
                                                to_hex(ByteView(report.chip_id.data(), n)) +
                                                " is not the VCEK hwID " + to_hex(hwid));
    } else {
        verdict.pass("hwid");
    }
}

}  // namespace

void ReportVerifier::check(ByteView bytes, const Policy& policy, Verdict& verdict) const {
    verdict.product = chain_.product;
    verdict.simulated_root = chain_.simulated_root;
    if (bytes.size() != report_layout::kSize) {
        // Let the parser name it (truncated or oversized); there is nothing to verify.
        verdict.fail(parse_report(bytes).error());
        return;
    }
    // Signature first, on the raw bytes, so any tampering is named as such even when it
    // also breaks the report's structure.
    Status signature = verify_report_signature(bytes, chain_.leaf_key.get());
    if (!signature) {
        verdict.fail(signature.error());
    } else {
        verdict.signature_verified = true;
        verdict.pass("report_signature");
    }
    // Without a valid signature every field below is unauthenticated: its checks still run
    // (a failure hints at the cause, e.g. the VCEK of another chip or TCB) but a pass is
    // dropped, so no `ok` line vouches for bytes nobody signed.
    Verdict unsigned_fields;
    Verdict& out = signature ? verdict : unsigned_fields;
    check_fields(bytes, policy, out);
    if (!signature) {
        verdict.failures.insert(verdict.failures.end(), unsigned_fields.failures.begin(),
                                unsigned_fields.failures.end());
        verdict.warnings.insert(verdict.warnings.end(), unsigned_fields.warnings.begin(),
                                unsigned_fields.warnings.end());
        verdict.report = unsigned_fields.report;
    }
}

void ReportVerifier::check_fields(ByteView bytes, const Policy& policy, Verdict& verdict) const {
    auto parsed = parse_report(bytes);
    if (!parsed) {
        verdict.fail(parsed.error());
        return;
    }
    const AttestationReport& report = *parsed;
    if (auto p = report.product(); p && *p != chain_.product) {
        verdict.fail(Reason::product_mismatch, "report CPUID says " +
                                                   std::string(product_name(*p)) +
                                                   " but the certificate chain is for " +
                                                   std::string(product_name(chain_.product)));
    }
    SigningKey expected = chain_.kind == LeafKind::vcek ? SigningKey::vcek : SigningKey::vlek;
    if (report.signing_key != expected) {
        verdict.fail(Reason::signing_key_mismatch,
                     std::string("report SIGNING_KEY is ") +
                         (report.signing_key == SigningKey::vcek   ? "VCEK"
                          : report.signing_key == SigningKey::vlek ? "VLEK"
                                                                   : "none") +
                         " but the certificate is a " +
                         (chain_.kind == LeafKind::vcek ? "VCEK" : "VLEK"));
    } else {
        verdict.pass("signing_key");
    }
    check_tcb(report, chain_, verdict);
    check_hwid(report, chain_, verdict);
    check_policy(report, chain_.product, policy, verdict);
    verdict.report = report;
}

Verdict ReportVerifier::verify(ByteView report, const Policy& policy) const {
    Verdict verdict;
    check(report, policy, verdict);
    return verdict;
}

}  // namespace er::attest
