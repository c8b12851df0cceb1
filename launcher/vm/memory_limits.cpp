#include "launcher/vm/memory_limits.hpp"

#include <cstdint>
#include <string>

#include "launcher/common/error.hpp"
#include "launcher/common/size.hpp"
#include "launcher/vm/layout.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {
namespace {

constexpr uint64_t div_up(uint64_t a, uint64_t b) {
    return (a + b - 1) / b;
}

}  // namespace

uint64_t kernel_frames(uint64_t mem_size, uint64_t domains) {
    // unikernel/mm/kernel_map.cpp: a PML4; for the kernel image (below ER_GPA_KERNEL_MAX) a PDPT,
    // a PD and a PT per 2 MiB; for the direct map a PDPT, a PD per GiB (2 MiB pages) and a PT for
    // a tail that is not a whole 2 MiB; three more for the xAPIC page.
    uint64_t image_pts = div_up(ER_GPA_KERNEL_MAX, 2 * layout::kMiB);
    uint64_t direct = 1 + div_up(mem_size, layout::kGiB) + 1;
    uint64_t tables = 1 + 2 + image_pts + direct + 3;
    // unikernel/domain/domain.cpp and mm/mpk_spaces.cpp: an FPU area per domain, and a root per
    // MPK space of up to ER_MPK_KEYS domains (counted as if every domain asked for MPK).
    return tables + domains + div_up(domains, ER_MPK_KEYS);
}

uint64_t reservable_bytes(const DomainLayout& layout, uint64_t mem_size) {
    uint64_t end = mem_size & ~(layout::kPageSize - 1);
    uint64_t kernel = kernel_frames(mem_size, layout.domains.size()) * layout::kPageSize;
    if (end < layout.free_start || end - layout.free_start < kernel) return 0;
    return end - layout.free_start - kernel;
}

void check_memory_limits(const DomainLayout& layout, uint64_t mem_size) {
    uint64_t sum = 0;
    size_t limited = 0;
    for (const DomainImage& d : layout.domains) {
        if (d.mem_limit == 0) continue;
        // The guest reserves whole frames (at least one): the same rounding as limit_frames_for.
        uint64_t frames = d.mem_limit / layout::kPageSize;
        uint64_t bytes = (frames == 0 ? 1 : frames) * layout::kPageSize;
        if (__builtin_add_overflow(sum, bytes, &sum)) sum = UINT64_MAX;  // certainly too much
        limited++;
    }
    uint64_t room = reservable_bytes(layout, mem_size);
    if (sum <= room) return;
    throw Error("the memory limits of " + std::to_string(limited) + " apps add up to " +
                format_size(sum) + ", more than the " + format_size(room) + " of the " +
                format_size(mem_size) +
                " of guest memory left to reserve after the kernel and the images; a limit is "
                "reserved for its app, so raise --memory or lower the limits");
}

}  // namespace er::launcher
