#include "test_double_pki.hpp"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <fstream>
#include <stdexcept>

#include "attestation/certificate.hpp"

namespace er::attest::testing {

namespace {

void require(bool ok, const char* what) {
    if (!ok)
        throw std::runtime_error(std::string("test double: ") + what + ": " + openssl_last_error());
}

X509Ptr make_cert(const std::string& cn, EVP_PKEY* subject_key, X509* issuer, bool ca,
                  long serial) {
    X509Ptr cert(X509_new());
    require(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("enclave-run TEST DOUBLE"),
                               -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
    ASN1_TIME_set_string(X509_getm_notBefore(cert.get()), "20200101000000Z");
    ASN1_TIME_set_string(X509_getm_notAfter(cert.get()), "20400101000000Z");
    require(X509_set_pubkey(cert.get(), subject_key) == 1, "set_pubkey");
    if (ca) {
        X509V3_CTX ctx;
        X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
        X509_EXTENSION* ext =
            X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, "critical,CA:TRUE");
        require(ext != nullptr, "basicConstraints");
        X509_add_ext(cert.get(), ext, -1);
        X509_EXTENSION_free(ext);
    }
    return cert;
}

void add_raw_extension(X509* cert, const char* oid, const Bytes& value) {
    Asn1ObjectPtr obj(OBJ_txt2obj(oid, 1));
    ASN1_OCTET_STRING* data = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(data, value.data(), static_cast<int>(value.size()));
    X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), 0, data);
    require(ext != nullptr, "extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(data);
}

Bytes der_integer(std::uint8_t v) {
    if (v >= 0x80) return {0x02, 0x02, 0x00, v};
    return {0x02, 0x01, v};
}

Bytes der_ia5(const std::string& s) {
    Bytes out{0x16, static_cast<std::uint8_t>(s.size())};
    out.insert(out.end(), s.begin(), s.end());
    return out;
}

// AMD signs with RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48: do the same.
void sign_pss(X509* cert, EVP_PKEY* key) {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    require(EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha384(), nullptr, key) == 1 &&
                EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384()) == 1 &&
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) == 1,
            "PSS setup");
    require(X509_sign_ctx(cert, ctx.get()) > 0, "X509_sign_ctx");
}

void write_pem(const std::filesystem::path& path, X509* cert) {
    BioPtr bio(BIO_new_file(path.c_str(), "w"));
    require(bio && PEM_write_bio_X509(bio.get(), cert) == 1, "write PEM");
}

}  // namespace

TestDoublePki::TestDoublePki(Product product, TcbVersion tcb) : product_(product), tcb_(tcb) {
    for (std::size_t i = 0; i < chip_id_.size(); ++i)
        chip_id_[i] = static_cast<std::uint8_t>(0xC0 + i);
    if (product_has_fmc(product)) std::fill(chip_id_.begin() + 8, chip_id_.end(), 0);
    // 2048-bit RSA keeps key generation fast; AMD's are 4096-bit, the verifier accepts both.
    ark_key_.reset(EVP_RSA_gen(2048));
    ask_key_.reset(EVP_RSA_gen(2048));
    vcek_key_.reset(EVP_EC_gen("P-384"));
    require(ark_key_ && ask_key_ && vcek_key_, "key generation");
    const std::string name(product_name(product));
    ark_ = make_cert("ARK-" + name, ark_key_.get(), nullptr, true, 1);
    sign_pss(ark_.get(), ark_key_.get());
    ask_ = make_cert("SEV-" + name, ask_key_.get(), ark_.get(), true, 2);
    sign_pss(ask_.get(), ark_key_.get());
    vcek_ = make_cert("SEV-VCEK", vcek_key_.get(), ask_.get(), false, 3);
    const bool turin = product_has_fmc(product);
    add_raw_extension(vcek_.get(), "1.3.6.1.4.1.3704.1.1", der_integer(turin ? 1 : 0));
    add_raw_extension(vcek_.get(), "1.3.6.1.4.1.3704.1.2", der_ia5(turin ? name : name + "-B0"));
    add_raw_extension(vcek_.get(), "1.3.6.1.4.1.3704.1.3.1", der_integer(tcb.bootloader));
    add_raw_extension(vcek_.get(), "1.3.6.1.4.1.3704.1.3.2", der_integer(tcb.tee));
    add_raw_extension(vcek_.get(), "1.3.6.1.4.1.3704.1.3.3", der_integer(tcb.snp));
    add_raw_extension(vcek_.get(), "1.3.6.1.4.1.3704.1.3.8", der_integer(tcb.microcode));
    if (turin) add_raw_extension(vcek_.get(), "1.3.6.1.4.1.3704.1.3.9", der_integer(tcb.fmc));
    add_raw_extension(vcek_.get(), "1.3.6.1.4.1.3704.1.4",
                      Bytes(chip_id_.begin(), chip_id_.begin() + (turin ? 8 : 64)));
    sign_pss(vcek_.get(), ask_key_.get());
}

TrustStore TestDoublePki::trust_store() const {
    TrustStore store;
    std::vector<X509Ptr> roots;
    roots.push_back(clone_certificate(ark_.get()));
    roots.push_back(clone_certificate(ask_.get()));
    if (!store.add(std::move(roots), "test double"))
        throw std::runtime_error("test double trust store");
    return store;
}

std::vector<X509Ptr> TestDoublePki::supplied_chain() const {
    std::vector<X509Ptr> out;
    out.push_back(clone_certificate(vcek_.get()));
    out.push_back(clone_certificate(ask_.get()));
    return out;
}

void sign_report(Bytes& report, EVP_PKEY* key) {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    require(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha384(), nullptr, key) == 1, "sign init");
    require(
        EVP_DigestSign(ctx.get(), nullptr, &len, report.data(), report_layout::kSignedSize) == 1,
        "sign size");
    Bytes der(len);
    require(
        EVP_DigestSign(ctx.get(), der.data(), &len, report.data(), report_layout::kSignedSize) == 1,
        "sign");
    const unsigned char* p = der.data();
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
    require(sig != nullptr, "decode signature");
    std::memset(report.data() + report_layout::kSigR, 0,
                report_layout::kSize - report_layout::kSigR);
    BN_bn2lebinpad(ECDSA_SIG_get0_r(sig.get()), report.data() + report_layout::kSigR, 72);
    BN_bn2lebinpad(ECDSA_SIG_get0_s(sig.get()), report.data() + report_layout::kSigS, 72);
}

Bytes TestDoublePki::make_report(const ReportFields& f) const {
    Bytes r(report_layout::kSize, 0);
    auto le32 = [&](std::size_t off, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) r[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
    };
    auto le64 = [&](std::size_t off, std::uint64_t v) {
        for (int i = 0; i < 8; ++i) r[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
    };
    le32(0x000, f.version);
    le32(0x004, f.guest_svn);
    le64(0x008, f.policy);
    le32(0x030, f.vmpl);
    le32(0x034, report_layout::kSigAlgoEcdsaP384Sha384);
    std::uint64_t tcb = encode_tcb(f.reported_tcb.value_or(tcb_), product_);
    le64(0x038, tcb);
    le64(0x040, 1);  // SMT enabled
    le32(0x048, static_cast<std::uint32_t>(f.signing_key) << 2);
    std::memcpy(&r[0x050], f.report_data.data(), 64);
    std::memcpy(&r[0x090], f.measurement.data(), 48);
    std::memcpy(&r[0x0C0], f.host_data.data(), 32);
    std::memset(&r[0x160], 0xFF, 32);  // REPORT_ID_MA: no migration agent
    le64(0x180, tcb);
    if (f.version >= 3) {
        bool turin = product_has_fmc(product_);
        r[0x188] = turin ? 0x1A : 0x19;
        r[0x189] = product_ == Product::genoa ? 0x11 : 0x01;
        r[0x18A] = 1;
    }
    std::memcpy(&r[0x1A0], f.chip_id.value_or(chip_id_).data(), 64);
    le64(0x1E0, tcb);
    le64(0x1F0, tcb);
    if (f.version >= 5) {
        le64(0x1F8, 0xB);
        le64(0x200, 0xB);
    }
    sign_report(r, vcek_key_.get());
    return r;
}

void TestDoublePki::write_files(const std::filesystem::path& roots_dir,
                                const std::filesystem::path& vcek_der) const {
    std::filesystem::create_directories(roots_dir);
    write_pem(roots_dir / "ark.pem", ark_.get());
    write_pem(roots_dir / "ask.pem", ask_.get());
    Bytes der = certificate_der(vcek_.get());
    std::ofstream(vcek_der, std::ios::binary)
        .write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
}

}  // namespace er::attest::testing
