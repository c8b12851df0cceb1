// TEST-ONLY: just enough of an OVMF image walk to replay the published sev-snp-measure vectors
// (tests/data/sev/sev-snp-measure) through our launch-digest code. enclave-run does not boot
// OVMF, so this lives with the tests, not in the library. Formats: notes in docs/attestation.md
// "Launch digests" (OVMF GUIDed footer table, "ASEV" SEV metadata).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "attestation/bytes.hpp"
#include "attestation/snp_vmsa.hpp"

namespace er::attest::testing {

struct OvmfSection {
    std::uint32_t gpa = 0;
    std::uint32_t size = 0;
    std::uint32_t type = 0;  // 1 SEC_MEM, 2 SECRETS, 3 CPUID, 4 SVSM_CAA, 0x10 KERNEL_HASHES
};

struct OvmfInfo {
    std::uint64_t gpa = 0;  // the image is mapped so that it ends at 4 GiB
    std::vector<OvmfSection> sections;
    std::optional<std::uint32_t> sev_es_reset_eip;
    std::optional<std::uint32_t> sev_hashes_table_gpa;  // where QEMU puts the hashes table
};

// Throws std::runtime_error on a malformed image (tests only).
OvmfInfo walk_ovmf(const Bytes& image);

// OVMF's SEV hashes table for direct kernel boot (measured kernel, initrd and command line):
// header GUID || u16 length, then {GUID, u16 50, SHA-256} for cmdline, initrd, kernel; padded
// with zeros to a multiple of 16 bytes, as QEMU copies it into the guest.
Bytes ovmf_sev_hashes_table(ByteView kernel, ByteView initrd, ByteView cmdline_with_nul);

// The VMSA QEMU+KVM (KVM_SEV_INIT2) produce for a vCPU reset to `eip`, with the CPUID
// signature QEMU puts in RDX and the guest's SEV features.
VmsaState qemu_reset_vmsa_state(std::uint32_t eip, std::uint32_t cpu_signature,
                                std::uint64_t sev_features);

}  // namespace er::attest::testing
