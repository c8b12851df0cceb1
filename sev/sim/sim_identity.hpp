// TEST DOUBLE for the AMD secure processor (software PSP, simulated, not hardware): the keys
// and certificates it signs with.  A generated ARK -> ASK -> VCEK chain shaped like AMD's
// (notes/sev.md §3.5): RSA-4096 ARK and ASK, an ECDSA P-384 VCEK, every certificate signed with
// RSASSA-PSS SHA-384 (MGF1 SHA-384, salt 48), the VCEK carrying the KDS extensions the verifier
// checks (productName, bl/tee/snp/ucode SPL = the report's REPORTED_TCB, hwID = CHIP_ID).
// The common names must stay AMD's (ARK-Genoa, SEV-Genoa, SEV-VCEK): the verifier classifies
// certificates by CN.  The organisation says SIMULATED, so no reader mistakes it for AMD.
//
// Stored in one directory (mode 0700): ark.pem, ask.pem, vcek.pem (certificates) and ark.key,
// ask.key, vcek.key (PKCS#8 PEM, mode 0600).  Created once, under a lock (.lock, flock) so
// concurrent creators make one identity; each file is written to a temporary name and renamed
// into place.  Later runs reuse it (RSA-4096 key generation takes seconds).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <stdexcept>

#include "attestation/bytes.hpp"
#include "attestation/openssl_ptr.hpp"

namespace er::sev::sim {

// Creating, reading or checking the identity failed; the message names the file and the cause.
class SimError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class SimIdentity {
  public:
    // Loads the identity stored in `directory`, or creates it there (and the directory, mode
    // 0700) when it holds none.  Checks what it loads: each certificate signed by the next, each
    // private key matching its certificate, the VCEK's extensions matching sim_platform.hpp.
    static SimIdentity load_or_create(const std::filesystem::path& directory);

    // DER certificates, for the evidence bundle (VCEK first, then ASK, then ARK).
    const er::attest::Bytes& vcek_der() const { return vcek_der_; }
    const er::attest::Bytes& ask_der() const { return ask_der_; }
    const er::attest::Bytes& ark_der() const { return ark_der_; }
    // The root a verifier is told to trust: `enclave-attest verify --trust-root <this>`.
    std::filesystem::path ark_pem_path() const { return directory_ / "ark.pem"; }
    const std::filesystem::path& directory() const { return directory_; }

    // The VCEK's hwID, which every report carries as CHIP_ID.
    const std::array<std::uint8_t, 64>& chip_id() const { return chip_id_; }
    EVP_PKEY* vcek_key() const { return vcek_key_.get(); }

  private:
    SimIdentity() = default;

    std::filesystem::path directory_;
    er::attest::Bytes ark_der_, ask_der_, vcek_der_;
    std::array<std::uint8_t, 64> chip_id_{};
    er::attest::EvpPkeyPtr vcek_key_;
};

}  // namespace er::sev::sim
