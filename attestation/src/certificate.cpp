#include "attestation/certificate.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <string_view>

namespace er::attest {

namespace {

bool looks_like_pem(ByteView data) {
    static constexpr std::string_view kMarker = "-----BEGIN";
    std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    return text.find(kMarker) != std::string_view::npos;
}

std::string name_cn(X509_NAME* name) {
    if (name == nullptr) return {};
    int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0) return {};
    ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                       static_cast<std::size_t>(ASN1_STRING_length(value)));
}

// One DER TLV with a short or long-form length, bounds-checked against `data`.
struct Tlv {
    std::uint8_t tag;
    ByteView value;
};

std::optional<Tlv> read_tlv(ByteView data) {
    if (data.size() < 2) return std::nullopt;
    std::uint8_t tag = data[0];
    std::size_t len = data[1];
    std::size_t header = 2;
    if (len & 0x80) {
        std::size_t n = len & 0x7F;
        if (n == 0 || n > 2 || data.size() < 2 + n) return std::nullopt;
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = len << 8 | data[2 + i];
        header += n;
    }
    if (data.size() - header != len) return std::nullopt;  // exactly one TLV, no trailing bytes
    return Tlv{tag, data.subspan(header, len)};
}

std::optional<ByteView> extension_value(X509* cert, const char* oid) {
    Asn1ObjectPtr obj(OBJ_txt2obj(oid, 1));
    if (!obj) return std::nullopt;
    int idx = X509_get_ext_by_OBJ(cert, obj.get(), -1);
    if (idx < 0) return std::nullopt;
    ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, idx));
    return ByteView(ASN1_STRING_get0_data(data),
                    static_cast<std::size_t>(ASN1_STRING_length(data)));
}

Error bad_extension(const char* what, const char* oid) {
    return Error{Reason::cert_extension,
                 std::string("cannot decode KDS extension ") + what + " (" + oid + ")"};
}

// KDS encodes SPLs as DER INTEGERs; values >= 0x80 carry a leading 0x00 (02 02 00 D9).
Expected<long> decode_integer(ByteView raw, const char* what, const char* oid) {
    auto tlv = read_tlv(raw);
    if (!tlv || tlv->tag != 0x02 || tlv->value.empty() || tlv->value.size() > 4 ||
        (tlv->value[0] & 0x80))
        return bad_extension(what, oid);
    long v = 0;
    for (std::uint8_t b : tlv->value) v = v << 8 | b;
    return v;
}

Expected<std::string> decode_ia5(ByteView raw, const char* what, const char* oid) {
    auto tlv = read_tlv(raw);
    if (!tlv || tlv->tag != 0x16) return bad_extension(what, oid);
    return std::string(reinterpret_cast<const char*>(tlv->value.data()), tlv->value.size());
}

}  // namespace

Expected<std::vector<X509Ptr>> load_certificates(ByteView data, const std::string& origin) {
    std::vector<X509Ptr> certs;
    if (data.empty()) return Error{Reason::cert_malformed, origin + ": empty certificate file"};
    if (looks_like_pem(data)) {
        BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
        if (!bio) return Error{Reason::cert_malformed, origin + ": " + openssl_last_error()};
        while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
            certs.emplace_back(cert);
        }
        // PEM_read stops with "no start line" at the end; anything else is a broken block.
        unsigned long err = ERR_peek_last_error();
        if (err != 0 && ERR_GET_REASON(err) != PEM_R_NO_START_LINE) {
            return Error{Reason::cert_malformed,
                         origin + ": malformed PEM certificate: " + openssl_last_error()};
        }
        ERR_clear_error();
        if (certs.empty())
            return Error{Reason::cert_malformed, origin + ": no PEM certificate found"};
        return certs;
    }
    const unsigned char* p = data.data();
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(data.size())));
    if (!cert) {
        return Error{Reason::cert_malformed,
                     origin + ": not a DER or PEM certificate: " + openssl_last_error()};
    }
    if (p != data.data() + data.size()) {
        return Error{Reason::cert_malformed, origin + ": trailing bytes after DER certificate"};
    }
    certs.push_back(std::move(cert));
    return certs;
}

Expected<std::vector<X509Ptr>> load_certificate_file(const std::filesystem::path& path) {
    auto data = read_file(path);
    if (!data) return data.error();
    return load_certificates(*data, path.string());
}

Bytes certificate_der(X509* cert) {
    unsigned char* buf = nullptr;
    int len = i2d_X509(cert, &buf);
    if (len <= 0) return {};
    Bytes out(buf, buf + len);
    OPENSSL_free(buf);
    return out;
}

std::string subject_cn(X509* cert) {
    return name_cn(X509_get_subject_name(cert));
}
std::string issuer_cn(X509* cert) {
    return name_cn(X509_get_issuer_name(cert));
}

std::array<std::uint8_t, 32> sha256_fingerprint(X509* cert) {
    std::array<std::uint8_t, 32> out{};
    Bytes der = certificate_der(cert);
    SHA256(der.data(), der.size(), out.data());
    return out;
}

X509Ptr clone_certificate(X509* cert) {
    X509_up_ref(cert);
    return X509Ptr(cert);
}

LeafKind leaf_kind(X509* cert) {
    std::string cn = subject_cn(cert);
    if (cn == "SEV-VCEK") return LeafKind::vcek;
    if (cn == "SEV-VLEK") return LeafKind::vlek;
    return LeafKind::other;
}

Expected<KdsExtensions> read_kds_extensions(X509* cert) {
    KdsExtensions ext;
    struct IntField {
        const char* oid;
        const char* name;
        std::optional<std::uint8_t>* out;
    };
    const IntField spls[] = {
        {"1.3.6.1.4.1.3704.1.3.1", "blSPL", &ext.bootloader},
        {"1.3.6.1.4.1.3704.1.3.2", "teeSPL", &ext.tee},
        {"1.3.6.1.4.1.3704.1.3.3", "snpSPL", &ext.snp},
        {"1.3.6.1.4.1.3704.1.3.8", "ucodeSPL", &ext.microcode},
        {"1.3.6.1.4.1.3704.1.3.9", "fmcSPL", &ext.fmc},
    };
    for (const IntField& f : spls) {
        auto raw = extension_value(cert, f.oid);
        if (!raw) continue;
        auto v = decode_integer(*raw, f.name, f.oid);
        if (!v) return v.error();
        if (*v > 255) return bad_extension(f.name, f.oid);
        *f.out = static_cast<std::uint8_t>(*v);
    }
    if (auto raw = extension_value(cert, "1.3.6.1.4.1.3704.1.1")) {
        auto v = decode_integer(*raw, "structVersion", "1.3.6.1.4.1.3704.1.1");
        if (!v) return v.error();
        ext.struct_version = *v;
    }
    if (auto raw = extension_value(cert, "1.3.6.1.4.1.3704.1.2")) {
        auto v = decode_ia5(*raw, "productName", "1.3.6.1.4.1.3704.1.2");
        if (!v) return v.error();
        ext.product_name = *v;
    }
    if (auto raw = extension_value(cert, "1.3.6.1.4.1.3704.1.5")) {
        auto v = decode_ia5(*raw, "csp_id", "1.3.6.1.4.1.3704.1.5");
        if (!v) return v.error();
        ext.csp_id = *v;
    }
    if (auto raw = extension_value(cert, "1.3.6.1.4.1.3704.1.4")) {
        // Real KDS certificates carry the raw chip id; some issuers wrap it in an OCTET STRING.
        ByteView value = *raw;
        if (value.size() != 64 && value.size() != 8) {
            auto tlv = read_tlv(value);
            if (!tlv || tlv->tag != 0x04 || (tlv->value.size() != 64 && tlv->value.size() != 8))
                return bad_extension("hwID", "1.3.6.1.4.1.3704.1.4");
            value = tlv->value;
        }
        ext.hwid = Bytes(value.begin(), value.end());
    }
    return ext;
}

}  // namespace er::attest
