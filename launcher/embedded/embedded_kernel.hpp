// The unikernel image built into enclave-run, so `enclave-run run APP` needs no kernel path.
#pragma once

#include <cstdint>
#include <span>

namespace er::launcher {

// The embedded unikernel.elf; empty when this enclave-run was built without one.
std::span<const uint8_t> embedded_kernel();

}  // namespace er::launcher
