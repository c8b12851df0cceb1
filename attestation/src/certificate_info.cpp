// Facts read from certificates for messages and `show`: dates as text and the product line.
// Nothing here verifies anything; verify_chain does.
#include <openssl/x509.h>

#include <cstdio>

#include "attestation/certificate.hpp"

namespace er::attest {

namespace {

std::string tm_text(const std::tm& tm) {
    char buf[80];  // room for any int, so the format cannot truncate
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string asn1_time_text(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "?";
    return tm_text(tm);
}

// "ARK-Milan", "SEV-Genoa", "SEV-VLEK-Turin" -> the line; the leaf CNs name none.
std::optional<Product> product_from_ca_name(const std::string& cn) {
    for (std::string_view prefix : {"SEV-VLEK-", "ARK-", "SEV-"}) {
        if (cn.rfind(prefix, 0) == 0) return product_from_name(cn.substr(prefix.size()));
    }
    return std::nullopt;
}

}  // namespace

std::string utc_time_text(std::time_t t) {
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) return "?";
    return tm_text(tm);
}

std::string not_before_text(X509* cert) {
    return asn1_time_text(X509_get0_notBefore(cert));
}

std::string not_after_text(X509* cert) {
    return asn1_time_text(X509_get0_notAfter(cert));
}

std::optional<Product> product_from_certificates(const std::vector<X509Ptr>& certs) {
    for (const X509Ptr& c : certs) {
        if (leaf_kind(c.get()) == LeafKind::other) continue;
        auto ext = read_kds_extensions(c.get());
        if (ext && ext->product_name) {
            if (auto p = product_from_kds_name(*ext->product_name)) return p;
        }
    }
    for (const X509Ptr& c : certs) {
        if (auto p = product_from_ca_name(subject_cn(c.get()))) return p;
        if (auto p = product_from_ca_name(issuer_cn(c.get()))) return p;
    }
    return std::nullopt;
}

}  // namespace er::attest
