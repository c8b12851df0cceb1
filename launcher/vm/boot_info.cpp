#include "launcher/vm/boot_info.hpp"

#include <sys/random.h>

#include <cerrno>

#include "launcher/common/error.hpp"

namespace er::launcher {

er_boot_info make_boot_info(const BootFacts& facts, const KernelImage& kernel,
                            const DomainLayout& domains) {
    er_boot_info info{};
    info.magic = ER_BOOT_MAGIC;
    info.abi_version = ER_ABI_VERSION;
    info.size = sizeof(er_boot_info);
    info.mem_size = facts.mem_size;
    info.free_start = domains.free_start;
    info.kernel_start = kernel.start;
    info.kernel_end = kernel.end;
    if (facts.tsc_khz) {
        info.tsc_khz = *facts.tsc_khz;
        info.flags |= ER_BOOT_F_TSC_STABLE;
    }
    if (facts.stats) info.flags |= ER_BOOT_F_STATS;
    info.boot_realtime_ns = facts.realtime_ns;
    info.timer_period_us = facts.timer_period_us;
    for (size_t i = 0; i < sizeof info.entropy; ++i) info.entropy[i] = facts.entropy[i];
    info.domains_gpa = ER_GPA_DOMAINS;
    info.domain_count = static_cast<uint32_t>(domains.domains.size());
    return info;
}

void fill_entropy(uint8_t (&out)[32]) {
    size_t done = 0;
    while (done < sizeof out) {
        ssize_t n = ::getrandom(out + done, sizeof out - done, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("cannot get entropy for the guest", "getrandom");
        done += static_cast<size_t>(n);
    }
}

}  // namespace er::launcher
