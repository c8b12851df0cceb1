// What the verifier's owner accepts. Defaults are the safe choice: debug forbidden,
// migration agent forbidden, VMPL 0, no other constraint.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "attestation/bytes.hpp"
#include "attestation/result.hpp"
#include "attestation/tcb.hpp"

namespace er::attest {

struct MinimumTcb {
    std::uint8_t fmc = 0, bootloader = 0, tee = 0, snp = 0, microcode = 0;
};

// One expected domain of the measurement log; absent fields are not checked.
struct ExpectedDomain {
    std::string name;
    std::optional<Digest384> image, filesystem, arguments;
    std::optional<std::string> isolation;
};

struct Policy {
    std::vector<Digest384> measurements;  // empty: any measurement
    std::optional<MinimumTcb> min_tcb;
    bool allow_debug = false;
    bool allow_smt = true;
    bool allow_migration_agent = false;
    std::optional<std::array<std::uint8_t, 64>> report_data;
    std::optional<std::array<std::uint8_t, 32>> host_data;
    std::optional<std::uint32_t> vmpl = 0;  // nullopt: any VMPL
    std::optional<std::uint32_t> min_guest_svn;
    std::optional<Bytes> nonce;           // evidence only: the verifier's challenge
    std::vector<ExpectedDomain> domains;  // evidence only; non-empty: exactly these domains
};

// JSON schema in docs/attestation.md. Unknown keys are refused so a typo cannot silently
// weaken the policy.
Expected<Policy> parse_policy_json(std::string_view text);
Expected<Policy> load_policy_file(const std::filesystem::path& path);

// Hex into a fixed-size field; shorter input is zero-padded on the right (as report_data
// usually holds a 32- or 48-byte hash), longer input is refused.
template <std::size_t N>
Expected<std::array<std::uint8_t, N>> padded_hex(std::string_view hex, const char* what) {
    auto bytes = from_hex(hex);
    if (!bytes || bytes->size() > N) {
        return Error{Reason::policy_invalid,
                     std::string(what) + " must be at most " + std::to_string(N) + " bytes of hex"};
    }
    std::array<std::uint8_t, N> out{};
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
}

Expected<Digest384> digest_hex(std::string_view hex, const char* what);

}  // namespace er::attest
