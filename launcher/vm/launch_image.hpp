// Everything the launcher writes into guest memory that is decided by the configuration alone:
// the unikernel's segments, the boot page tables and GDT, and the boot info (the domains are
// already loaded: enclave_setup.hpp).  Under SEV these are the measured bytes, so the launcher
// and `enclave-attest measure` both write them through this one function.
#pragma once

#include <cstdint>
#include <span>

#include "launcher/vm/boot_info.hpp"
#include "launcher/vm/domain_images.hpp"
#include "launcher/vm/guest_memory.hpp"
#include "launcher/vm/kernel_image.hpp"

namespace er::launcher {

void write_launch_image(GuestMemory& memory, const KernelImage& kernel,
                        std::span<const uint8_t> kernel_file, const DomainLayout& domains,
                        const BootConfig& boot);

}  // namespace er::launcher
