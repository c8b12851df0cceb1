// Filling struct er_boot_info (the guest's whole view of its launch) from what the launcher set up.
#pragma once

#include <cstdint>
#include <optional>

#include "launcher/vm/domain_images.hpp"
#include "launcher/vm/kernel_image.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

struct BootFacts {
    uint64_t mem_size;
    std::optional<uint64_t> tsc_khz;  // from KVM_GET_TSC_KHZ
    uint64_t realtime_ns;             // CLOCK_REALTIME just before the vCPU starts
    uint8_t entropy[32];              // from getrandom()
    uint32_t timer_period_us;         // --tick-ms in us; 0 = no timer
    bool stats = false;               // --stats: the guest logs its free frames (ER_BOOT_F_STATS)
};

// ABI 2: the domain table describes the apps; the ABI-1 single-app fields stay zero.
er_boot_info make_boot_info(const BootFacts& facts, const KernelImage& kernel,
                            const DomainLayout& domains);

// 32 bytes from getrandom(); throws Error if the kernel cannot give them.
void fill_entropy(uint8_t (&out)[32]);

}  // namespace er::launcher
