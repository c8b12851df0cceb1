// Linked instead of embedded_kernel.cpp when the build has no unikernel target: enclave-run then
// needs --kernel PATH.
#include "launcher/embedded/embedded_kernel.hpp"

namespace er::launcher {

std::span<const uint8_t> embedded_kernel() {
    return {};
}

}  // namespace er::launcher
