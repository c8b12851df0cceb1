// The SEV-SNP ATTESTATION_REPORT (SEV-SNP firmware ABI, table "ATTESTATION_REPORT"):
// 0x4A0 bytes, little-endian, versions 2..5. Only the parser touches raw offsets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "attestation/bytes.hpp"
#include "attestation/result.hpp"
#include "attestation/tcb.hpp"

namespace er::attest {

namespace report_layout {
inline constexpr std::size_t kSize = 0x4A0;
inline constexpr std::size_t kSignedSize = 0x2A0;  // signature covers [0, 0x2A0)
inline constexpr std::size_t kSigR = 0x2A0;
inline constexpr std::size_t kSigS = 0x2E8;
inline constexpr std::size_t kSigComponentSize = 72;  // little-endian, zero padded
inline constexpr std::size_t kSigEnd = 0x330;
inline constexpr std::uint32_t kMinVersion = 2;
inline constexpr std::uint32_t kMaxVersion = 5;
inline constexpr std::uint32_t kSigAlgoEcdsaP384Sha384 = 1;
}  // namespace report_layout

// Guest policy bits (SNP ABI "Guest Policy").
namespace guest_policy {
inline constexpr std::uint64_t kSmt = 1ull << 16;
inline constexpr std::uint64_t kMustBeOne = 1ull << 17;
inline constexpr std::uint64_t kMigrateMa = 1ull << 18;
inline constexpr std::uint64_t kDebug = 1ull << 19;
inline constexpr std::uint64_t kSingleSocket = 1ull << 20;
}  // namespace guest_policy

enum class SigningKey : std::uint8_t { vcek = 0, vlek = 1, none = 7 };

struct FirmwareVersion {
    std::uint8_t major = 0, minor = 0, build = 0;
};

struct AttestationReport {
    std::uint32_t version = 0;
    std::uint32_t guest_svn = 0;
    std::uint64_t policy = 0;
    std::array<std::uint8_t, 16> family_id{};
    std::array<std::uint8_t, 16> image_id{};
    std::uint32_t vmpl = 0;
    std::uint32_t signature_algo = 0;
    std::uint64_t current_tcb = 0;  // raw; decode with decode_tcb() once the product is known
    std::uint64_t platform_info = 0;
    bool author_key_en = false;
    bool mask_chip_key = false;
    SigningKey signing_key = SigningKey::vcek;
    std::array<std::uint8_t, 64> report_data{};
    Digest384 measurement{};
    std::array<std::uint8_t, 32> host_data{};
    Digest384 id_key_digest{};
    Digest384 author_key_digest{};
    std::array<std::uint8_t, 32> report_id{};
    std::array<std::uint8_t, 32> report_id_ma{};
    std::uint64_t reported_tcb = 0;
    // v3+ only: CPUID combined family, combined model, stepping.
    std::optional<std::uint8_t> cpuid_family, cpuid_model, cpuid_stepping;
    std::array<std::uint8_t, 64> chip_id{};
    std::uint64_t committed_tcb = 0;
    FirmwareVersion current_fw, committed_fw;
    std::uint64_t launch_tcb = 0;
    // v5 only.
    std::optional<std::uint64_t> launch_mit_vector, current_mit_vector;
    std::array<std::uint8_t, 72> signature_r{};  // as stored: little-endian
    std::array<std::uint8_t, 72> signature_s{};

    bool debug_allowed() const { return policy & guest_policy::kDebug; }
    bool smt_allowed() const { return policy & guest_policy::kSmt; }
    bool migration_agent_allowed() const { return policy & guest_policy::kMigrateMa; }
    // Product from the v3+ CPUID fields; for v2 only a Turin chip_id shape is recognisable.
    std::optional<Product> product() const;
};

// Refuses wrong sizes, versions outside 2..5, an unknown signature algorithm, non-zero
// reserved (MBZ) fields, a clear policy bit 17 and reserved signing-key values. Reads only
// inside `bytes`.
Expected<AttestationReport> parse_report(ByteView bytes);

// A report file is either the raw 1184 bytes or their hex text (as virtee ships them).
Expected<Bytes> load_report_file(const std::filesystem::path& path);

}  // namespace er::attest
