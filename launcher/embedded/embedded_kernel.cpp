#include "launcher/embedded/embedded_kernel.hpp"

extern "C" const uint8_t er_unikernel_start[];
extern "C" const uint8_t er_unikernel_end[];

namespace er::launcher {

std::span<const uint8_t> embedded_kernel() {
    return {er_unikernel_start, static_cast<size_t>(er_unikernel_end - er_unikernel_start)};
}

}  // namespace er::launcher
