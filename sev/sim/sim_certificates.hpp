// TEST DOUBLE for the AMD secure processor (software PSP, simulated, not hardware): key
// generation and the three certificates of its ARK -> ASK -> VCEK chain (see sim_identity.hpp).
// Internal to er_sev_sim.
#pragma once

#include <array>
#include <cstdint>

#include "attestation/openssl_ptr.hpp"

namespace er::sev::sim {

// The organisation every simulated certificate carries, so a reader never mistakes it for AMD
// (X.520 limits O to 64 characters).
inline constexpr const char* kSimOrganisation = "SIMULATED enclave-run software PSP, not AMD";

er::attest::EvpPkeyPtr generate_rsa_key();   // RSA-4096, as AMD's ARK and ASK
er::attest::EvpPkeyPtr generate_vcek_key();  // ECDSA P-384

// The chip's identity, derived from the VCEK's public key so it needs no storage of its own.
std::array<std::uint8_t, 64> derive_chip_id(EVP_PKEY* vcek_key);

// Self-signed "ARK-Genoa": CA, keyCertSign + cRLSign.
er::attest::X509Ptr make_ark(EVP_PKEY* ark_key);
// "SEV-Genoa" issued by the ARK: CA with path length 0.
er::attest::X509Ptr make_ask(EVP_PKEY* ask_key, X509* ark, EVP_PKEY* ark_key);
// "SEV-VCEK" issued by the ASK, with AMD's KDS extensions (1.3.6.1.4.1.3704.1.*).
er::attest::X509Ptr make_vcek(EVP_PKEY* vcek_key, const std::array<std::uint8_t, 64>& chip_id,
                              X509* ask, EVP_PKEY* ask_key);

}  // namespace er::sev::sim
