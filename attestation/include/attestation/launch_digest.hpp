// Launch digests: what the AMD secure processor accumulates while a confidential guest is
// being built, recomputed offline from a list of pages. Independent of who supplies the pages
// (the launcher's recorded SNP_LAUNCH_UPDATE calls or `enclave-attest measure`), so both can
// be checked against each other and against the hardware report's MEASUREMENT.
//
// Algorithms: docs/attestation.md "Launch digests"; SNP firmware ABI spec (AMD 56860),
// SNP_LAUNCH_UPDATE and the PAGE_INFO structure; SEV API spec (AMD 55766), LAUNCH_MEASURE.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "attestation/bytes.hpp"
#include "attestation/openssl_ptr.hpp"
#include "attestation/result.hpp"

namespace er::attest {

using Digest256 = std::array<std::uint8_t, 32>;

inline constexpr std::size_t kLaunchPageSize = 4096;
using PageView = std::span<const std::uint8_t, kLaunchPageSize>;

// PAGE_INFO.PAGE_TYPE values (SNP ABI spec, table "Page Types"), the same numbers
// SNP_LAUNCH_UPDATE takes.
enum class SnpPageType : std::uint8_t {
    normal = 1,      // contents measured
    vmsa = 2,        // contents measured; GPA replaced by kSnpVmsaGpa
    zero = 3,        // contents not measured (the PSP zeroes the page)
    unmeasured = 4,  // contents not measured, left as they are
    secrets = 5,     // filled by the PSP; contents not measured
    cpuid = 6,       // checked by the PSP; contents not measured
};

// The GPA the PSP puts in PAGE_INFO for every VMSA page: the VMSA's real location is private
// to the hypervisor and must not change the measurement.
inline constexpr std::uint64_t kSnpVmsaGpa = 0x0000'FFFF'FFFF'F000;

inline constexpr std::size_t kSnpPageInfoSize = 0x70;
using SnpPageInfo = std::array<std::uint8_t, kSnpPageInfoSize>;

// The 0x70-byte PAGE_INFO record the PSP hashes for one page: previous digest, contents digest
// (zero for types whose contents are not measured), length, type, IMI/VMPL fields (0 at launch),
// GPA. `contents_digest` is used as given; callers pass zeros for unmeasured types.
SnpPageInfo snp_page_info(const Digest384& current, const Digest384& contents_digest,
                          SnpPageType type, std::uint64_t gpa);

// True for the page types whose 4 KiB contents enter the digest.
bool snp_page_type_measures_contents(SnpPageType type);

// The SNP launch digest (the report's MEASUREMENT): starts at 48 zero bytes, or at a stored
// intermediate digest, and absorbs one PAGE_INFO per page in launch order.
class SnpLaunchDigest {
  public:
    SnpLaunchDigest() = default;
    explicit SnpLaunchDigest(const Digest384& initial) : current_(initial) {}

    // One page of SNP_LAUNCH_UPDATE. `gpa` must be 4 KiB aligned. `contents` is hashed for
    // normal and VMSA pages and ignored for the others (the PSP does not measure them).
    // For VMSA pages the gpa is ignored too (kSnpVmsaGpa is measured), see add_vmsa().
    Status add_page(std::uint64_t gpa, SnpPageType type, PageView contents);
    // A page whose contents are not measured (zero, unmeasured, secrets, cpuid).
    Status add_page(std::uint64_t gpa, SnpPageType type);
    // A range of SNP_LAUNCH_UPDATE: page by page, ascending GPA, as the PSP measures it.
    // Normal ranges need a whole number of pages of data.
    Status add_range(std::uint64_t gpa, SnpPageType type, ByteView data);
    Status add_pages(std::uint64_t gpa, SnpPageType type, std::size_t page_count);
    // One vCPU's VMSA, as SNP_LAUNCH_FINISH measures it (vCPU creation order).
    void add_vmsa(PageView vmsa);

    const Digest384& value() const { return current_; }

  private:
    void absorb(const Digest384& contents_digest, SnpPageType type, std::uint64_t gpa);

    Digest384 current_{};
};

// SEV and SEV-ES launch digest (GCTX.LD): SHA-256 over every LAUNCH_UPDATE_DATA buffer in
// command order, then (SEV-ES) each vCPU's VMSA as given to LAUNCH_UPDATE_VMSA, vCPU 0 first.
class SevLaunchDigest {
  public:
    SevLaunchDigest();

    void add_data(ByteView data);
    void add_vmsa(PageView vmsa);
    // The digest of everything added so far; more may be added afterwards.
    Digest256 value() const;

  private:
    EvpMdCtxPtr ctx_;
};

// The firmware version LAUNCH_MEASURE mixes in (PLATFORM_STATUS API_MAJOR, API_MINOR, BUILD).
struct SevFirmwareVersion {
    std::uint8_t api_major = 0;
    std::uint8_t api_minor = 0;
    std::uint8_t build = 0;
};

// The MEASURE value LAUNCH_MEASURE returns: HMAC-SHA-256 keyed with the guest owner's TIK over
// 0x04 || API_MAJOR || API_MINOR || BUILD || POLICY (LE32) || launch digest || MNONCE.
// Only a party that knows the TIK (the guest owner, via LAUNCH_START) can check it.
Expected<Digest256> sev_launch_measure(ByteView tik, const SevFirmwareVersion& firmware,
                                       std::uint32_t policy, const Digest256& launch_digest,
                                       const std::array<std::uint8_t, 16>& mnonce);

}  // namespace er::attest
