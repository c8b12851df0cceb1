// TEST DOUBLE (software PSP, simulated, not hardware): the simulated AMD certificate chain.
// Shapes follow notes/sev.md §3.5: X.509 v3, RSASSA-PSS SHA-384 / MGF1 SHA-384 / salt 48 on
// every link, KDS extensions on the VCEK with the hwID as raw bytes (as real KDS certificates).
#include "sev/sim/sim_certificates.hpp"

#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <string>
#include <vector>

#include "sev/sim/sim_identity.hpp"
#include "sev/sim/sim_platform.hpp"

namespace er::sev::sim {

using er::attest::Asn1ObjectPtr;
using er::attest::EvpMdCtxPtr;
using er::attest::EvpPkeyPtr;
using er::attest::X509Ptr;

namespace {

void require(bool ok, const std::string& what) {
    if (!ok)
        throw SimError(std::string(kSimNotice) + ": " + what + ": " +
                       er::attest::openssl_last_error());
}

// Validity: AMD's roots are valid for decades; these from 2025 to 2050, so no test clock or
// archived evidence falls outside.
X509Ptr new_certificate(const std::string& cn, EVP_PKEY* subject_key, X509* issuer) {
    X509Ptr cert(X509_new());
    require(cert != nullptr, "X509_new");
    require(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
    // A random positive 63-bit serial: two simulated identities never share issuer + serial.
    std::uint64_t serial = 0;
    require(RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) == 1,
            "RAND_bytes(serial)");
    require(ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), (serial >> 1) | 1) == 1,
            "serial");
    X509_NAME* name = X509_get_subject_name(cert.get());
    auto add = [&](const char* field, const std::string& value) {
        require(X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                           reinterpret_cast<const unsigned char*>(value.c_str()),
                                           -1, -1, 0) == 1,
                std::string("subject ") + field);
    };
    add("O", kSimOrganisation);
    add("OU", "SIMULATED test double");
    add("CN", cn);
    require(X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name) == 1,
            "issuer name");
    require(ASN1_TIME_set_string(X509_getm_notBefore(cert.get()), "20250101000000Z") == 1 &&
                ASN1_TIME_set_string(X509_getm_notAfter(cert.get()), "20500101000000Z") == 1,
            "validity");
    require(X509_set_pubkey(cert.get(), subject_key) == 1, "X509_set_pubkey");
    return cert;
}

void add_conf_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    require(ext != nullptr, std::string("extension ") + value);
    const int added = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    require(added == 1, std::string("add extension ") + value);
}

// A KDS extension: the extnValue octets are `value` as given (AMD's encoding, not OpenSSL's).
void add_kds_extension(X509* cert, const char* oid, const std::vector<std::uint8_t>& value) {
    Asn1ObjectPtr obj(OBJ_txt2obj(oid, 1));
    ASN1_OCTET_STRING* data = ASN1_OCTET_STRING_new();
    require(obj && data &&
                ASN1_OCTET_STRING_set(data, value.data(), static_cast<int>(value.size())) == 1,
            std::string("extension ") + oid);
    X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), 0, data);
    ASN1_OCTET_STRING_free(data);
    require(ext != nullptr, std::string("extension ") + oid);
    const int added = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    require(added == 1, std::string("add extension ") + oid);
}

std::vector<std::uint8_t> der_integer(std::uint8_t v) {
    if (v >= 0x80) return {0x02, 0x02, 0x00, v};  // a leading zero keeps it positive
    return {0x02, 0x01, v};
}

std::vector<std::uint8_t> der_ia5(const std::string& s) {
    std::vector<std::uint8_t> out{0x16, static_cast<std::uint8_t>(s.size())};
    out.insert(out.end(), s.begin(), s.end());
    return out;
}

void sign_pss(X509* cert, EVP_PKEY* issuer_key) {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
    require(ctx && EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha384(), nullptr, issuer_key) == 1 &&
                EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384()) == 1 &&
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) == 1,
            "RSASSA-PSS setup");
    require(X509_sign_ctx(cert, ctx.get()) > 0, "X509_sign_ctx");
}

}  // namespace

EvpPkeyPtr generate_rsa_key() {
    EvpPkeyPtr key(EVP_RSA_gen(4096));
    require(key != nullptr, "RSA-4096 key generation");
    return key;
}

EvpPkeyPtr generate_vcek_key() {
    EvpPkeyPtr key(EVP_EC_gen("P-384"));
    require(key != nullptr, "P-384 key generation");
    return key;
}

std::array<std::uint8_t, 64> derive_chip_id(EVP_PKEY* vcek_key) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(vcek_key, &der);
    require(len > 0, "encode VCEK public key");
    static constexpr char kLabel[] = "enclave-run software PSP CHIP_ID";
    std::vector<std::uint8_t> input(kLabel, kLabel + sizeof kLabel - 1);
    input.insert(input.end(), der, der + len);
    OPENSSL_free(der);
    std::array<std::uint8_t, 64> id{};
    require(EVP_Digest(input.data(), input.size(), id.data(), nullptr, EVP_sha512(), nullptr) == 1,
            "SHA-512");
    return id;
}

X509Ptr make_ark(EVP_PKEY* ark_key) {
    X509Ptr ark = new_certificate(std::string("ARK-") + kSimProductName, ark_key, nullptr);
    add_conf_extension(ark.get(), nullptr, NID_basic_constraints, "critical,CA:TRUE");
    add_conf_extension(ark.get(), nullptr, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_conf_extension(ark.get(), nullptr, NID_subject_key_identifier, "hash");
    sign_pss(ark.get(), ark_key);
    return ark;
}

X509Ptr make_ask(EVP_PKEY* ask_key, X509* ark, EVP_PKEY* ark_key) {
    X509Ptr ask = new_certificate(std::string("SEV-") + kSimProductName, ask_key, ark);
    add_conf_extension(ask.get(), ark, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_conf_extension(ask.get(), ark, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_conf_extension(ask.get(), ark, NID_subject_key_identifier, "hash");
    sign_pss(ask.get(), ark_key);
    return ask;
}

X509Ptr make_vcek(EVP_PKEY* vcek_key, const std::array<std::uint8_t, 64>& chip_id, X509* ask,
                  EVP_PKEY* ask_key) {
    X509Ptr vcek = new_certificate("SEV-VCEK", vcek_key, ask);
    X509* c = vcek.get();
    add_kds_extension(c, "1.3.6.1.4.1.3704.1.1", der_integer(0));  // structVersion
    add_kds_extension(c, "1.3.6.1.4.1.3704.1.2", der_ia5(kSimProductName));
    add_kds_extension(c, "1.3.6.1.4.1.3704.1.3.1", der_integer(kSimTcb.bootloader));
    add_kds_extension(c, "1.3.6.1.4.1.3704.1.3.2", der_integer(kSimTcb.tee));
    add_kds_extension(c, "1.3.6.1.4.1.3704.1.3.3", der_integer(kSimTcb.snp));
    for (const char* reserved : {"1.3.6.1.4.1.3704.1.3.4", "1.3.6.1.4.1.3704.1.3.5",
                                 "1.3.6.1.4.1.3704.1.3.6", "1.3.6.1.4.1.3704.1.3.7"})
        add_kds_extension(c, reserved, der_integer(0));
    add_kds_extension(c, "1.3.6.1.4.1.3704.1.3.8", der_integer(kSimTcb.microcode));
    add_kds_extension(c, "1.3.6.1.4.1.3704.1.4",
                      std::vector<std::uint8_t>(chip_id.begin(), chip_id.end()));
    sign_pss(c, ask_key);
    return vcek;
}

}  // namespace er::sev::sim
