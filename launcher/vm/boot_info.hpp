// Filling struct er_boot_info (the guest's view of its launch, measured under SEV) and struct
// er_host_hints (what changes from run to run: shared, never measured, untrusted by the guest).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "launcher/vm/domain_images.hpp"
#include "launcher/vm/kernel_image.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

// What the configuration decides: the same command line gives the same boot info page, which is
// what lets `enclave-attest measure` predict the launch digest.
struct BootConfig {
    uint64_t mem_size = 0;
    uint32_t timer_period_us = 0;       // --tick-ms in us; 0 = no timer
    bool stats = false;                 // --stats: the guest logs its free frames
    bool attest = false;                // --attest: the guest measures domains, sends evidence
    uint32_t confidential = ER_CC_OFF;  // er_confidential the guest is started in
    bool persistent = false;            // ABI 5: takes domains after boot (domain_queue.hpp)
    uint64_t staging_size = 0;          // persistent: the staging area at the top of RAM
};

// What the host learns only at run time.
struct HostFacts {
    std::optional<uint64_t> tsc_khz;  // from KVM_GET_TSC_KHZ
    uint64_t realtime_ns = 0;         // CLOCK_REALTIME just before the vCPU starts
    uint8_t entropy[32] = {};         // from getrandom()
    std::vector<uint8_t> nonce;       // --nonce: empty, or ER_NONCE_MIN..ER_NONCE_MAX bytes
};

// ABI 2: the domain table describes the apps; the ABI-1 single-app fields stay zero.  ABI 4: the
// per-run fields (tsc_khz, boot_realtime_ns, entropy) stay zero too; they are in the hints.
er_boot_info make_boot_info(const BootConfig& config, const KernelImage& kernel,
                            const DomainLayout& domains);

// Throws Error for a nonce of the wrong length.
er_host_hints make_host_hints(const HostFacts& facts);

// 32 bytes from getrandom(); throws Error if the kernel cannot give them.
void fill_entropy(uint8_t (&out)[32]);

}  // namespace er::launcher
