// Loading X.509 certificates (PEM bundles or DER) and reading AMD's KDS extensions.
#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "attestation/bytes.hpp"
#include "attestation/openssl_ptr.hpp"
#include "attestation/result.hpp"
#include "attestation/tcb.hpp"

namespace er::attest {

// PEM (one or more certificates, in order) or a single DER certificate.
Expected<std::vector<X509Ptr>> load_certificates(ByteView data, const std::string& origin);
Expected<std::vector<X509Ptr>> load_certificate_file(const std::filesystem::path& path);

Bytes certificate_der(X509* cert);
std::string subject_cn(X509* cert);
std::string issuer_cn(X509* cert);
std::array<std::uint8_t, 32> sha256_fingerprint(X509* cert);
X509Ptr clone_certificate(X509* cert);

enum class LeafKind { vcek, vlek, other };
// By subject CN: "SEV-VCEK" or "SEV-VLEK".
LeafKind leaf_kind(X509* cert);

// AMD KDS extensions under 1.3.6.1.4.1.3704.1 on a VCEK or VLEK.
struct KdsExtensions {
    std::optional<long> struct_version;
    std::optional<std::string> product_name;  // e.g. "Milan-B0"
    std::optional<std::uint8_t> bootloader, tee, snp, microcode, fmc;
    std::optional<Bytes> hwid;          // VCEK: 64 bytes (8 on Turin), raw or OCTET STRING-wrapped
    std::optional<std::string> csp_id;  // VLEK only
};

// Fails with cert_extension when a present extension cannot be decoded; absent ones stay empty.
Expected<KdsExtensions> read_kds_extensions(X509* cert);

// Facts read from certificates without verifying them (certificate_info.cpp).

// "YYYY-MM-DDTHH:MM:SSZ" (UTC), the form `--at` accepts.
std::string utc_time_text(std::time_t t);
// A certificate's notBefore / notAfter in that form ("?" when unreadable).
std::string not_before_text(X509* cert);
std::string not_after_text(X509* cert);

// The product line the certificates name: the VCEK/VLEK's productName extension, else an AMD
// CA name (ARK-<Line>, SEV-<Line>, SEV-VLEK-<Line>) as a subject or issuer. For display only:
// nothing here is verified, and verify_chain decides the product it trusts.
std::optional<Product> product_from_certificates(const std::vector<X509Ptr>& certs);

}  // namespace er::attest
