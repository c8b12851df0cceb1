// TEST DOUBLE (software PSP, simulated, not hardware): the SNP ATTESTATION_REPORT it signs.
// Internal to er_sev_sim.
#pragma once

#include <array>
#include <cstdint>

#include "attestation/bytes.hpp"
#include "attestation/report.hpp"
#include "sev/sim/sim_identity.hpp"

namespace er::sev::sim {

using ReportBytes = std::array<std::uint8_t, er::attest::report_layout::kSize>;

// What varies per guest and per request; everything else is the simulated platform's.
struct ReportInputs {
    std::uint64_t policy = 0;
    std::uint32_t vmpl = 0;
    std::array<std::uint8_t, 64> report_data{};
    er::attest::Digest384 measurement{};
    std::array<std::uint8_t, 32> host_data{};
    std::array<std::uint8_t, 32> report_id{};
};

// A version 3 report (notes/sev.md §3.1) signed by the identity's VCEK: ECDSA P-384 over
// SHA-384 of bytes [0, 0x2A0), r and s little-endian in 72-byte fields at 0x2A0 and 0x2E8.
ReportBytes build_signed_report(const ReportInputs& inputs, const SimIdentity& identity);

}  // namespace er::sev::sim
