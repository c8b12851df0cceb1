// The real AMD vectors copied into tests/data/sev (provenance in each README.txt there).
#pragma once

#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "attestation/certificate.hpp"
#include "attestation/chain.hpp"
#include "attestation/report.hpp"

namespace er::attest::testing {

// 2025-07-01: inside every vector certificate's validity (the AWS VLEK expired 2025-12-10).
inline constexpr std::time_t kVectorTime = 1751328000;

// AMD's built-in roots, loaded once for the whole test binary.
inline const TrustStore& builtin() {
    static TrustStore store = [] {
        auto s = TrustStore::builtin();
        if (!s) throw std::runtime_error(s.error().message());
        return std::move(*s);
    }();
    return store;
}

inline std::filesystem::path data_path(const std::string& rel) {
    return std::filesystem::path(ER_SEV_TEST_DATA) / rel;
}

inline Bytes load_report(const std::string& rel) {
    auto r = load_report_file(data_path(rel));
    if (!r) throw std::runtime_error(r.error().message());
    return *r;
}

inline std::vector<X509Ptr> load_certs(const std::vector<std::string>& rels) {
    std::vector<X509Ptr> out;
    for (const auto& rel : rels) {
        auto certs = load_certificate_file(data_path(rel));
        if (!certs) throw std::runtime_error(certs.error().message());
        for (auto& c : *certs) out.push_back(std::move(c));
    }
    return out;
}

struct GenuineVector {
    const char* name;
    const char* report;
    std::vector<std::string> certs;  // VCEK/VLEK first, then any CA bundle
    std::uint32_t version;
    Product product;
    SigningKey signing_key;
};

inline std::vector<GenuineVector> genuine_vectors() {
    return {
        {"virtee_milan_v2",
         "virtee-sev/report_milan.hex",
         {"virtee-sev/vcek_milan.der", "virtee-sev/cert_chain_milan"},
         2,
         Product::milan,
         SigningKey::vcek},
        {"go_sev_guest_milan_v2",
         "go-sev-guest/attestation.bin",
         {"go-sev-guest/vcek.testcer", "go-sev-guest/milan.testcer"},
         2,
         Product::milan,
         SigningKey::vcek},
        {"trustee_milan_v2_idblock",
         "trustee/test-report.bin",
         {"trustee/test-vcek.der"},
         2,
         Product::milan,
         SigningKey::vcek},
        {"trustee_milan_v3_vlek",
         "trustee/test-vlek-report.bin",
         {"trustee/test-vlek.der", "trustee/milan_ask_ark_asvk.pem"},
         3,
         Product::milan,
         SigningKey::vlek},
        {"trustee_genoa_siena_v3",
         "trustee/e2e-genoa-siena-report-reconstructed.bin",
         {"trustee/e2e-genoa-siena-vcek.der", "trustee/genoa_ask_ark_asvk.pem"},
         3,
         Product::genoa,
         SigningKey::vcek},
    };
}

}  // namespace er::attest::testing
