#include <cstdio>
#include <iostream>

#include "cli.hpp"

namespace er::attest::cli {

using json = nlohmann::ordered_json;

namespace {
std::string fw(const FirmwareVersion& v) {
    return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.build);
}
std::string hex64(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
    return buf;
}
json tcb_json(std::uint64_t raw, Product product) {
    TcbVersion t = decode_tcb(raw, product);
    json j = {{"raw", hex64(raw)},
              {"bootloader", t.bootloader},
              {"tee", t.tee},
              {"snp", t.snp},
              {"microcode", t.microcode}};
    if (product_has_fmc(product)) j["fmc"] = t.fmc;
    return j;
}
const char* signing_key_name(SigningKey k) {
    return k == SigningKey::vcek ? "VCEK" : k == SigningKey::vlek ? "VLEK" : "none";
}
}  // namespace

std::string kds_chain_url(Product product, bool vlek) {
    return std::string("https://kdsintf.amd.com/") + (vlek ? "vlek" : "vcek") + "/v1/" +
           std::string(product_name(product)) + "/cert_chain";
}

std::string kds_vcek_url(const AttestationReport& report, Product product) {
    if (product == Product::unknown) return {};
    TcbVersion t = decode_tcb(report.reported_tcb, product);
    const bool turin = product_has_fmc(product);
    std::string url = "https://kdsintf.amd.com/vcek/v1/" + std::string(product_name(product)) +
                      "/" + to_hex(ByteView(report.chip_id.data(), turin ? 8 : 64)) + "?";
    if (turin) url += "fmcSPL=" + std::to_string(t.fmc) + "&";
    url += "blSPL=" + std::to_string(t.bootloader) + "&teeSPL=" + std::to_string(t.tee) +
           "&snpSPL=" + std::to_string(t.snp) + "&ucodeSPL=" + std::to_string(t.microcode);
    return url;
}

json report_json(const AttestationReport& r, Product product) {
    json j = {
        {"version", r.version},
        {"guest_svn", r.guest_svn},
        {"policy", hex64(r.policy)},
        {"policy_debug", r.debug_allowed()},
        {"policy_smt", r.smt_allowed()},
        {"policy_migration_agent", r.migration_agent_allowed()},
        {"family_id", to_hex(r.family_id)},
        {"image_id", to_hex(r.image_id)},
        {"vmpl", r.vmpl},
        {"signature_algo", r.signature_algo},
        {"platform_info", hex64(r.platform_info)},
        {"author_key_en", r.author_key_en},
        {"mask_chip_key", r.mask_chip_key},
        {"signing_key", signing_key_name(r.signing_key)},
        {"report_data", to_hex(r.report_data)},
        {"measurement", to_hex(r.measurement)},
        {"host_data", to_hex(r.host_data)},
        {"id_key_digest", to_hex(r.id_key_digest)},
        {"author_key_digest", to_hex(r.author_key_digest)},
        {"report_id", to_hex(r.report_id)},
        {"report_id_ma", to_hex(r.report_id_ma)},
        {"chip_id", to_hex(r.chip_id)},
        {"product", std::string(product_name(product))},
        {"current_tcb", tcb_json(r.current_tcb, product)},
        {"reported_tcb", tcb_json(r.reported_tcb, product)},
        {"committed_tcb", tcb_json(r.committed_tcb, product)},
        {"launch_tcb", tcb_json(r.launch_tcb, product)},
        {"current_firmware", fw(r.current_fw)},
        {"committed_firmware", fw(r.committed_fw)},
    };
    if (r.cpuid_family) {
        j["cpuid_family"] = *r.cpuid_family;
        j["cpuid_model"] = *r.cpuid_model;
        j["cpuid_stepping"] = *r.cpuid_stepping;
    }
    if (r.launch_mit_vector) {
        j["launch_mit_vector"] = hex64(*r.launch_mit_vector);
        j["current_mit_vector"] = hex64(*r.current_mit_vector);
    }
    if (auto url = kds_vcek_url(r, product); !url.empty()) j["kds_vcek_url"] = url;
    return j;
}

json evidence_json(const Evidence& ev) {
    json log = json::array();
    for (const DomainEntry& e : ev.log) {
        log.push_back({{"name", e.name},
                       {"image", to_hex(e.image)},
                       {"filesystem", to_hex(e.filesystem)},
                       {"arguments", to_hex(e.arguments)},
                       {"isolation", e.isolation}});
    }
    Digest384 digest = replay_log(ev.log);
    return {{"profile", std::string(kEvidenceProfile)},
            {"nonce", to_hex(ev.nonce)},
            {"hardware_backed", ev.hardware_backed},
            {"platform", ev.platform},
            {"certificates", ev.certs.size()},
            {"log", log},
            {"log_digest", to_hex(digest)},
            {"expected_report_data", to_hex(binding_report_data(ev.nonce, digest))}};
}

json chain_json(const VerifiedChain& c) {
    auto cert = [](X509* x) {
        return json{{"subject", subject_cn(x)}, {"sha256", to_hex(sha256_fingerprint(x))}};
    };
    const KdsExtensions& e = c.extensions;
    json ext = json::object();
    if (e.product_name) ext["productName"] = *e.product_name;
    if (e.bootloader) ext["blSPL"] = *e.bootloader;
    if (e.tee) ext["teeSPL"] = *e.tee;
    if (e.snp) ext["snpSPL"] = *e.snp;
    if (e.microcode) ext["ucodeSPL"] = *e.microcode;
    if (e.fmc) ext["fmcSPL"] = *e.fmc;
    if (e.hwid) ext["hwID"] = to_hex(*e.hwid);
    if (e.csp_id) ext["csp_id"] = *e.csp_id;
    const bool vlek = c.kind == LeafKind::vlek;
    return {{"product", std::string(product_name(c.product))},
            {"simulated", c.simulated_root},
            {"leaf", cert(c.leaf.get())},
            {"leaf_kind", vlek ? "VLEK" : "VCEK"},
            {"intermediate", cert(c.intermediate.get())},
            {"root", cert(c.root.get())},
            {"extensions", ext},
            {"kds_cert_chain_url", kds_chain_url(c.product, vlek)}};
}

json verdict_json(const Verdict& v) {
    json failures = json::array();
    for (const Error& e : v.failures)
        failures.push_back({{"reason", std::string(reason_name(e.reason))}, {"detail", e.detail}});
    json j = {{"trusted", v.trusted()},
              {"simulated", v.simulated_root},
              {"hardware_backed", v.hardware_backed},
              {"product", std::string(product_name(v.product))},
              {"passed", v.passed},
              {"failures", failures},
              {"warnings", v.warnings}};
    if (v.report) j["report"] = report_json(*v.report, v.product);
    if (v.evidence) j["evidence"] = evidence_json(*v.evidence);
    return j;
}

void print_report(const AttestationReport& r, Product product) {
    json j = report_json(r, product);
    std::cout << "SEV-SNP attestation report\n";
    for (const auto& [key, value] : j.items()) {
        std::cout << "  " << key << ": ";
        if (value.is_object()) {
            std::cout << value.value("raw", "");
            for (const auto& [k, v] : value.items())
                if (k != "raw") std::cout << " " << k << "=" << v;
        } else if (value.is_string()) {
            std::cout << value.get<std::string>();
        } else {
            std::cout << value;
        }
        std::cout << "\n";
    }
}

void print_evidence(const Evidence& ev) {
    json j = evidence_json(ev);
    std::cout << "enclave-run evidence (" << kEvidenceProfile << ")\n"
              << "  hardware_backed: "
              << (ev.hardware_backed ? "yes" : "NO (plain-KVM fallback, never trusted)")
              << "\n  platform: " << ev.platform << "\n  nonce: " << to_hex(ev.nonce)
              << "\n  certificates: " << ev.certs.size() << "\n  domains: " << ev.log.size()
              << "\n";
    for (const DomainEntry& e : ev.log) {
        std::cout << "    - " << e.name << " (" << e.isolation << ")\n      image "
                  << to_hex(e.image) << "\n      fs    " << to_hex(e.filesystem) << "\n      args  "
                  << to_hex(e.arguments) << "\n";
    }
    std::cout << "  log_digest: " << j["log_digest"].get<std::string>()
              << "\n  expected report_data: " << j["expected_report_data"].get<std::string>()
              << "\n";
}

// Said on every verdict and chain that relied on a simulated root.
constexpr const char* kSimulatedVerdict =
    "SIMULATED root of trust, software PSP test double, not AMD hardware";

void print_verdict(const Verdict& v) {
    std::cout << (v.trusted() ? "TRUSTED" : "NOT TRUSTED");
    if (v.simulated_root) std::cout << " (" << kSimulatedVerdict << ")";
    std::cout << " (product " << product_name(v.product) << ")\n";
    for (const std::string& p : v.passed) std::cout << "  ok    " << p << "\n";
    for (const Error& e : v.failures) std::cout << "  FAIL  " << e.message() << "\n";
    if (!v.trusted() && v.failures.empty())
        std::cout << "  FAIL  no hardware signature was verified\n";
    if (v.has(Reason::report_signature))
        std::cout << "  note  the report's fields are unauthenticated (its signature failed): "
                     "none is shown as ok\n";
    for (const std::string& w : v.warnings) std::cout << "  WARN  " << w << "\n";
}

}  // namespace er::attest::cli
