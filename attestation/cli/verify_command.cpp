#include <iostream>
#include <memory>

#include "attestation/certificate.hpp"
#include "cli.hpp"

namespace er::attest::cli {

namespace {

struct VerifyArgs {
    ChainArgs chain;
    std::string evidence, report, policy_file;
    std::vector<std::string> measurements;
    std::string report_data, host_data, nonce, min_tcb;
    std::optional<std::uint32_t> vmpl, min_guest_svn;
    bool any_vmpl = false, allow_debug = false, forbid_smt = false, allow_migration_agent = false;
    bool json = false;
};

// "bl=3,tee=0,snp=8,ucode=115[,fmc=1]"
MinimumTcb parse_min_tcb(const std::string& text) {
    MinimumTcb min;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find(',', pos);
        std::string item =
            text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        std::size_t eq = item.find('=');
        int value = -1;
        try {
            if (eq != std::string::npos) value = std::stoi(item.substr(eq + 1));
        } catch (const std::exception&) {
        }
        std::string key = item.substr(0, eq);
        std::uint8_t* field = key == "bl"      ? &min.bootloader
                              : key == "tee"   ? &min.tee
                              : key == "snp"   ? &min.snp
                              : key == "ucode" ? &min.microcode
                              : key == "fmc"   ? &min.fmc
                                               : nullptr;
        if (field == nullptr || value < 0 || value > 255) {
            throw InputError{{Reason::policy_invalid,
                              "--min-tcb item '" + item + "' is not bl|tee|snp|ucode|fmc=0..255"}};
        }
        *field = static_cast<std::uint8_t>(value);
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    return min;
}

// The policy file is the base; flags given on the command line tighten or override it.
Policy build_policy(const VerifyArgs& a) {
    Policy p = a.policy_file.empty() ? Policy{} : take(load_policy_file(a.policy_file));
    for (const std::string& m : a.measurements)
        p.measurements.push_back(take(digest_hex(m, "--measurement")));
    if (!a.report_data.empty())
        p.report_data = take(padded_hex<64>(a.report_data, "--report-data"));
    if (!a.host_data.empty()) p.host_data = take(padded_hex<32>(a.host_data, "--host-data"));
    if (!a.nonce.empty()) {
        auto n = from_hex(a.nonce);
        if (!n || n->empty()) throw InputError{{Reason::policy_invalid, "--nonce must be hex"}};
        p.nonce = *n;
    }
    if (!a.min_tcb.empty()) p.min_tcb = parse_min_tcb(a.min_tcb);
    if (a.vmpl) p.vmpl = a.vmpl;
    if (a.any_vmpl) p.vmpl.reset();
    if (a.min_guest_svn) p.min_guest_svn = a.min_guest_svn;
    if (a.allow_debug) p.allow_debug = true;
    if (a.forbid_smt) p.allow_smt = false;
    if (a.allow_migration_agent) p.allow_migration_agent = true;
    return p;
}

void run_verify(const VerifyArgs& a) {
    if (a.evidence.empty() == a.report.empty()) {
        throw InputError{
            {Reason::usage_error, "give exactly one of --evidence FILE or --report FILE"}};
    }
    Policy policy = build_policy(a);
    TrustStore store = load_trust_store(a.chain);
    VerifyOptions options{parse_product(a.chain.product), parse_time(a.chain.at)};
    Verdict verdict;
    if (!a.evidence.empty()) {
        Bytes data = take(read_file(a.evidence));
        verdict = verify_evidence(store, data, policy, options);
    } else {
        Bytes report = take(load_report_file(a.report));
        std::vector<X509Ptr> certs = load_supplied_certs(a.chain);
        verdict = verify_report(store, report, certs, policy, options);
    }
    if (a.json) {
        std::cout << verdict_json(verdict).dump(2) << "\n";
    } else {
        print_verdict(verdict);
    }
    throw ExitCode{verdict.trusted() ? kExitTrusted : kExitUntrusted};
}

}  // namespace

void register_verify(CLI::App& app) {
    auto args = std::make_shared<VerifyArgs>();
    CLI::App* cmd =
        app.add_subcommand("verify",
                           "verify evidence, or a report with its certificates; exit 0 only "
                           "when trusted");
    cmd->add_option("--evidence", args->evidence, "CBOR evidence bundle from enclave-run");
    cmd->add_option("--report", args->report, "raw SEV-SNP report (1184 bytes, binary or hex)");
    add_chain_options(*cmd, args->chain);
    cmd->add_option("--policy", args->policy_file,
                    "policy JSON file (schema in docs/attestation.md)");
    cmd->add_option("--measurement", args->measurements,
                    "accepted launch measurement (hex, repeatable)");
    cmd->add_option("--report-data", args->report_data,
                    "expected REPORT_DATA (hex, zero-padded to 64 bytes)");
    cmd->add_option("--host-data", args->host_data,
                    "expected HOST_DATA (hex, zero-padded to 32 bytes)");
    cmd->add_option("--nonce", args->nonce, "expected evidence nonce (hex)");
    cmd->add_option("--min-tcb", args->min_tcb,
                    "minimum REPORTED_TCB, e.g. bl=3,tee=0,snp=8,ucode=115");
    cmd->add_option("--vmpl", args->vmpl, "required VMPL (default 0)");
    cmd->add_flag("--any-vmpl", args->any_vmpl, "accept any VMPL");
    cmd->add_option("--min-guest-svn", args->min_guest_svn, "minimum GUEST_SVN");
    cmd->add_flag("--allow-debug", args->allow_debug,
                  "accept guests whose policy allows debugging");
    cmd->add_flag("--forbid-smt", args->forbid_smt, "refuse guests whose policy allows SMT");
    cmd->add_flag("--allow-migration-agent", args->allow_migration_agent,
                  "accept a migration agent");
    cmd->add_flag("--json", args->json, "machine-readable output");
    cmd->callback([args] { run_verify(*args); });
}

}  // namespace er::attest::cli
