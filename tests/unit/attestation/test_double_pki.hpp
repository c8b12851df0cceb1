// TEST DOUBLE, never a real AMD key: a throw-away ARK -> ASK -> VCEK chain generated at test
// time, and SNP reports signed by that VCEK. Lets tests build "genuine" reports with any
// field values (the real vectors are fixed), e.g. for evidence round trips and policy checks.
// Certificates say O=enclave-run TEST DOUBLE and are valid 2020-01-01 .. 2040-01-01.
#pragma once

#include <array>
#include <ctime>
#include <filesystem>

#include "attestation/openssl_ptr.hpp"
#include "attestation/report.hpp"
#include "attestation/trust_store.hpp"

namespace er::attest::testing {

// A time inside the test double's validity window.
inline constexpr std::time_t kTestDoubleTime = 1751328000;  // 2025-07-01

struct ReportFields {
    std::uint32_t version = 3;
    std::uint64_t policy = guest_policy::kMustBeOne | guest_policy::kSmt;
    std::uint32_t vmpl = 0;
    std::uint32_t guest_svn = 1;
    SigningKey signing_key = SigningKey::vcek;
    std::array<std::uint8_t, 64> report_data{};
    Digest384 measurement{};
    std::array<std::uint8_t, 32> host_data{};
    std::optional<TcbVersion> reported_tcb;               // default: the VCEK's TCB
    std::optional<std::array<std::uint8_t, 64>> chip_id;  // default: the VCEK's hwID
};

class TestDoublePki {
  public:
    explicit TestDoublePki(Product product = Product::milan, TcbVersion tcb = {0, 3, 0, 8, 115});

    Product product() const { return product_; }
    const TcbVersion& tcb() const { return tcb_; }
    const std::array<std::uint8_t, 64>& chip_id() const { return chip_id_; }
    X509* ark() const { return ark_.get(); }
    X509* ask() const { return ask_.get(); }
    X509* vcek() const { return vcek_.get(); }
    EVP_PKEY* vcek_key() const { return vcek_key_.get(); }

    TrustStore trust_store() const;               // pins this test ARK and ASK
    std::vector<X509Ptr> supplied_chain() const;  // VCEK, ASK
    Bytes make_report(const ReportFields& fields) const;
    // Writes ark.pem + ask.pem (a roots directory) and vcek.der.
    void write_files(const std::filesystem::path& roots_dir,
                     const std::filesystem::path& vcek_der) const;

  private:
    Product product_;
    TcbVersion tcb_;
    std::array<std::uint8_t, 64> chip_id_{};
    EvpPkeyPtr ark_key_, ask_key_, vcek_key_;
    X509Ptr ark_, ask_, vcek_;
};

// Re-signs a report in place with `key` (after a test edits signed fields).
void sign_report(Bytes& report, EVP_PKEY* key);

}  // namespace er::attest::testing
