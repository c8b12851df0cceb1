#include "launcher/vm/boot_info.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "launcher/common/error.hpp"

namespace er::launcher {

er_boot_info make_boot_info(const BootConfig& config, const KernelImage& kernel,
                            const DomainLayout& domains) {
    er_boot_info info{};
    info.magic = ER_BOOT_MAGIC;
    info.abi_version = ER_ABI_VERSION;
    info.size = sizeof(er_boot_info);
    info.mem_size = config.mem_size;
    info.free_start = domains.free_start;
    info.kernel_start = kernel.start;
    info.kernel_end = kernel.end;
    if (config.stats) info.flags |= ER_BOOT_F_STATS;
    if (config.attest) info.flags |= ER_BOOT_F_ATTEST;
    info.timer_period_us = config.timer_period_us;
    info.domains_gpa = ER_GPA_DOMAINS;
    info.domain_count = static_cast<uint32_t>(domains.domains.size());
    info.hints_gpa = ER_GPA_HOST_HINTS;
    info.confidential = config.confidential;
    if (config.persistent) {
        // The guest keeps [mem_size - 2 * staging, mem_size) out of its frame pool: its private
        // copy area, then the staging area (docs/abi.md "Hot add").
        uint64_t s = config.staging_size;
        if (s == 0 || s % 4096 != 0 || s > config.mem_size / 4 ||
            domains.free_start + 2 * s > config.mem_size - s) {
            throw Error("a persistent enclave needs a page-aligned staging area of at most a "
                        "quarter of RAM, with as much again free above the domains: " +
                        std::to_string(s >> 20) + " MiB of staging does not fit " +
                        std::to_string(config.mem_size >> 20) + " MiB");
        }
        if (config.timer_period_us == 0) {
            throw Error("a persistent enclave needs the scheduler tick (it polls for work)");
        }
        if (config.confidential != ER_CC_OFF) {
            throw Error("a persistent enclave cannot be confidential yet (its staging area "
                        "would have to be shared memory)");
        }
        info.flags |= ER_BOOT_F_PERSISTENT;
        info.staging_gpa = config.mem_size - s;
        info.staging_size = s;
    }
    return info;
}

er_host_hints make_host_hints(const HostFacts& facts) {
    er_host_hints hints{};
    hints.magic = ER_HINTS_MAGIC;
    if (facts.tsc_khz) {
        hints.tsc_khz = *facts.tsc_khz;
        hints.flags |= ER_BOOT_F_TSC_STABLE;
    }
    hints.realtime_ns = facts.realtime_ns;
    std::copy(std::begin(facts.entropy), std::end(facts.entropy), hints.entropy);
    if (!facts.nonce.empty() &&
        (facts.nonce.size() < ER_NONCE_MIN || facts.nonce.size() > ER_NONCE_MAX)) {
        throw Error("nonce is " + std::to_string(facts.nonce.size()) + " bytes; it must be " +
                    std::to_string(ER_NONCE_MIN) + " to " + std::to_string(ER_NONCE_MAX));
    }
    hints.nonce_len = static_cast<uint32_t>(facts.nonce.size());
    std::copy(facts.nonce.begin(), facts.nonce.end(), hints.nonce);
    return hints;
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
