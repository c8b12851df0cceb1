// TEST DOUBLE for the AMD secure processor: the software PSP (simulated, not hardware).  Where
// no SEV hardware exists it stands in for the PSP behind the same ConfidentialLaunch interface
// the kernel launch uses, selected only by `--confidential sim` or a test, never by `auto`:
//   - start/update/finish take the SNP launch commands' inputs and compute the launch digest
//     from them exactly as the PSP does (er::attest::SnpLaunchDigest, notes/sev.md §2.3);
//   - a SECRETS page gets a firmware-style secrets page with fresh VMPCK0..3 (§1.4);
//   - handle_guest_request() answers the guest's real AES-256-GCM MSG_REPORT_REQ (§3.8) with a
//     MSG_REPORT_RSP holding an SNP ATTESTATION_REPORT (§3.1) signed by the simulated VCEK.
// Only the transport differs from hardware: the request, response and report bytes are the
// real formats.  Nothing it signs chains to AMD; a verifier trusts it only when told to
// (`enclave-attest verify --trust-root`), and then says SIMULATED.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "attestation/launch_digest.hpp"
#include "sev/launch/confidential_launch.hpp"
#include "sev/sim/sim_identity.hpp"

namespace er::sev::sim {

inline constexpr std::size_t kGuestMessagePage = 4096;

class SoftwarePsp final : public ConfidentialLaunch {
  public:
    explicit SoftwarePsp(SimIdentity identity);

    // SNP_LAUNCH_START: keeps the SNP policy; makes this guest's VMPCKs and REPORT_ID.
    void start(const GuestPolicy& policy) override;
    // SNP_LAUNCH_UPDATE, page by page: normal pages measured with their contents; zero pages
    // zeroed; unmeasured pages left as they are; secrets pages filled; CPUID pages taken as
    // given (not checked against a host CPU, unlike the PSP).
    void update(const LaunchRegion& region) override;
    // SNP_LAUNCH_FINISH: measures each VMSA (vCPU 0 first) and keeps HOST_DATA.
    void finish(std::span<const VmsaPage> vmsas, const HostData& host_data) override;

    // SNP_GUEST_REQUEST for MSG_REPORT_REQ, as the firmware handles it.  Returns the firmware
    // status (kFwSuccess, or kFwInvalidGuestState / kFwInvalidParam / kFwAeadOverflow, see
    // sim_platform.hpp); only on success is `response` written (a MSG_REPORT_RSP).
    std::uint64_t handle_guest_request(std::span<const std::uint8_t, kGuestMessagePage> request,
                                       std::span<std::uint8_t, kGuestMessagePage> response);

    // The launch digest so far; the report's MEASUREMENT once finished() is true.
    const er::attest::Digest384& measurement() const { return digest_.value(); }
    std::uint64_t policy() const { return policy_; }
    const HostData& host_data() const { return host_data_; }
    bool finished() const { return state_ == State::finished; }
    const SimIdentity& identity() const { return identity_; }

  private:
    enum class State { created, started, finished };
    using Vmpck = std::array<std::uint8_t, 32>;

    void require_state(State expected, const char* command) const;
    void write_secrets_page(std::span<std::uint8_t> page) const;
    // MSG_REPORT_RSP payload for a decrypted MSG_REPORT_REQ payload.
    std::vector<std::uint8_t> report_response(std::span<const std::uint8_t> request) const;

    SimIdentity identity_;
    State state_ = State::created;
    std::uint64_t policy_ = 0;
    HostData host_data_{};
    er::attest::SnpLaunchDigest digest_;
    std::array<Vmpck, 4> vmpck_{};
    std::array<std::uint8_t, 32> report_id_{};
    std::mutex request_mutex_;
    std::uint64_t next_seqno_ = 1;  // VMPCK0's message sequence number the PSP expects next
};

}  // namespace er::sev::sim
