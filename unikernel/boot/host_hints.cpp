#include "boot/host_hints.hpp"

#include "lib/string.hpp"
#include "mm/layout.hpp"

namespace uk::boot {
namespace {
er_host_hints g_hints;
}  // namespace

const char* load_host_hints(uint64_t hints_gpa) {
    if (hints_gpa != ER_GPA_HOST_HINTS) return "boot: hints_gpa is not ER_GPA_HOST_HINTS";
    memcpy(&g_hints, mm::phys_to_virt(hints_gpa), sizeof g_hints);
    if (g_hints.magic != ER_HINTS_MAGIC) return "boot: bad host hints magic";
    if (g_hints.nonce_len != 0 &&
        (g_hints.nonce_len < ER_NONCE_MIN || g_hints.nonce_len > ER_NONCE_MAX)) {
        return "boot: host hints nonce_len is not 0 or 8..64";
    }
    if ((g_hints.flags & ~uint32_t{ER_BOOT_F_TSC_STABLE}) != 0) {
        return "boot: unknown host hints flags";
    }
    return nullptr;
}

const er_host_hints& host_hints() {
    return g_hints;
}

}  // namespace uk::boot
