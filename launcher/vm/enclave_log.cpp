#include "launcher/vm/enclave_log.hpp"

#include <openssl/evp.h>

#include <cstring>

#include "launcher/common/error.hpp"

namespace er::launcher {
namespace {

attest::Digest384 to_digest(const uint8_t (&bytes)[ER_DIGEST384]) {
    attest::Digest384 d{};
    std::memcpy(d.data(), bytes, d.size());
    return d;
}

attest::Digest384 sha384(const attest::Bytes& bytes) {
    attest::Digest384 out{};
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &len, EVP_sha384(), nullptr) != 1 ||
        len != out.size()) {
        throw Error("SHA-384 of a measurement-log entry failed (OpenSSL)");
    }
    return out;
}

}  // namespace

void prepare_enclave_log() {
    attest::DomainEntry probe;
    probe.name = "probe";
    probe.isolation = "mpk";
    (void)sha384(attest::canonical_entry(probe));
    (void)attest::replay_log({probe});
}

EnclaveLog make_enclave_log(const er_evidence& evidence, uint64_t evidence_count) {
    EnclaveLog log;
    log.evidence_count = evidence_count;
    std::vector<attest::DomainEntry> plain;
    for (uint32_t i = 0; i < evidence.count && i < ER_MAX_DOMAINS; ++i) {
        const er_evidence_entry& e = evidence.entries[i];
        EnclaveLogEntry out;
        out.entry.name.assign(e.name, strnlen(e.name, ER_DOMAIN_NAME_MAX));
        out.entry.image = to_digest(e.image);
        out.entry.filesystem = to_digest(e.filesystem);
        out.entry.arguments = to_digest(e.arguments);
        out.entry.isolation = e.isolation == ER_ISO_MPK ? "mpk" : "page-table";
        out.digest = sha384(attest::canonical_entry(out.entry));
        plain.push_back(out.entry);
        log.entries.push_back(std::move(out));
    }
    log.log_digest = attest::replay_log(plain);
    return log;
}

}  // namespace er::launcher
