// Helpers for the software PSP tests (TEST DOUBLE, simulated, not hardware): one simulated
// identity per test binary (RSA-4096 key generation is slow), and the guest's side of the SNP
// guest-message protocol written independently with OpenSSL EVP, as the guest would.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

#include "libos-abi/snp_guest_msg.h"
#include "sev/sim/sim_identity.hpp"

namespace er::sev::sim::testing {

// The directory of the binary's one identity, created on first use (by two threads at once,
// so creation under the lock is exercised) and removed at exit.
const std::filesystem::path& identity_dir();
// A fresh load of that identity (the reuse path: no key generation).
SimIdentity load_identity();

using Page = std::array<std::uint8_t, 4096>;
using Key = std::array<std::uint8_t, 32>;

struct RequestFields {
    std::uint64_t seqno = 1;
    std::array<std::uint8_t, 64> report_data{};
    std::uint32_t vmpl = 0;
    std::uint32_t key_sel = 0;
    std::uint8_t msg_type = ER_SNP_MSG_REPORT_REQ;
    std::uint16_t msg_size = sizeof(er_snp_report_req);
};

// An encrypted MSG_REPORT_REQ keyed with `vmpck`.
Page make_request(const Key& vmpck, const RequestFields& fields);

struct Response {
    er_snp_msg_hdr header{};
    std::vector<std::uint8_t> payload;  // decrypted
};
// Opens a response: nullopt when its tag does not verify under `vmpck`.
std::optional<Response> open_response(const Key& vmpck, const Page& page);

}  // namespace er::sev::sim::testing
