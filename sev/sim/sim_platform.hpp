// TEST DOUBLE for the AMD secure processor (software PSP, simulated, not hardware): the fixed
// facts of the one "chip" it pretends to be.  A Genoa-line part (CPUID family 0x19, model
// 0x11, stepping 1), so v3 reports name their product through the CPUID fields exactly as real
// Genoa reports do (notes/sev.md §3.5 "Product determination"), and the firmware status codes
// it answers with (SEV_RET_*, notes/sev.md §1.5).
#pragma once

#include <cstdint>

#include "attestation/tcb.hpp"

namespace er::sev::sim {

inline constexpr const char* kSimNotice = "software PSP (simulated, not hardware)";

inline constexpr er::attest::Product kSimProduct = er::attest::Product::genoa;
inline constexpr const char* kSimProductName = "Genoa";  // the VCEK's productName extension

// REPORTED_TCB (= CURRENT, COMMITTED and LAUNCH TCB): the VCEK's SPL extensions carry the same
// values, as AMD's KDS derives a VCEK for exactly one TCB.
inline constexpr er::attest::TcbVersion kSimTcb{0, 9, 0, 23, 72};

// Firmware version in the report (CURRENT_/COMMITTED_ MAJOR.MINOR.BUILD).
inline constexpr std::uint8_t kSimFwMajor = 1, kSimFwMinor = 55, kSimFwBuild = 40;

// Report CPUID fields (combined family, combined model, stepping) and the secrets page's FMS
// (CPUID Fn0000_0001_EAX of the same part).
inline constexpr std::uint8_t kSimCpuidFamily = 0x19, kSimCpuidModel = 0x11, kSimCpuidStepping = 1;
inline constexpr std::uint32_t kSimFms = 0x00A10F11;

// The SNP ABI's report version with the CPUID fields.
inline constexpr std::uint32_t kSimReportVersion = 3;
// PLATFORM_INFO: bit 0 SMT enabled.
inline constexpr std::uint64_t kSimPlatformInfo = 0x1;

// Firmware status codes (sev_ret_code).
inline constexpr std::uint64_t kFwSuccess = 0x00;
inline constexpr std::uint64_t kFwInvalidGuestState = 0x02;
inline constexpr std::uint64_t kFwInvalidParam = 0x16;
inline constexpr std::uint64_t kFwAeadOverflow = 0x1D;
inline constexpr std::uint64_t kFwInvalidKey = 0x27;

}  // namespace er::sev::sim
