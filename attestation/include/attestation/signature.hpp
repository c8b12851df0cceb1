// The report signature: ECDSA P-384 over SHA-384 of bytes [0, 0x2A0), with r and s stored
// as 72-byte little-endian fields at 0x2A0 and 0x2E8.
#pragma once

#include "attestation/bytes.hpp"
#include "attestation/openssl_ptr.hpp"
#include "attestation/result.hpp"

namespace er::attest {

// DER ECDSA-Sig-Value built from the report's r and s; fails on a report of the wrong size
// or an r/s that does not fit P-384 (non-zero bytes above the 48th).
Expected<Bytes> report_signature_der(ByteView report);

// Fails with report_signature unless `key` verifies the report.
Status verify_report_signature(ByteView report, EVP_PKEY* key);

}  // namespace er::attest
