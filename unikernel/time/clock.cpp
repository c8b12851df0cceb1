#include "time/clock.hpp"

#include "arch/x86/cpu.hpp"
#include "hv/hypercall.hpp"
#include "time/tsc_math.hpp"
#include "vdso/vdso.hpp"

namespace uk::time {
namespace {

bool g_use_tsc = false;
bool g_anchored = false;
uint64_t g_multiplier = 0;
uint64_t g_boot_tsc = 0;
er_hc_time g_anchor{};

void anchor() {
    if (g_anchored) return;
    g_anchor = hv::time();
    g_anchored = true;
    // From now on the vDSO reads the clocks in user mode with these very numbers.
    vdso::publish_clock(g_anchor.tsc, g_anchor.monotonic_ns, g_anchor.realtime_ns, g_multiplier);
}

}  // namespace

void init(uint64_t tsc_khz, bool tsc_stable) {
    g_use_tsc = tsc_stable && tsc_khz != 0;
    g_multiplier = tsc_multiplier(tsc_khz);
    g_anchored = false;
    g_boot_tsc = x86::rdtsc();
}

uint64_t uptime_ns() {
    if (!g_use_tsc) return hv::time().monotonic_ns;
    uint64_t now = x86::rdtsc();
    return ticks_to_ns(now > g_boot_tsc ? now - g_boot_tsc : 0, g_multiplier);
}

bool tsc_clock() {
    return g_use_tsc;
}

uint64_t boot_tsc_ns() {
    return g_use_tsc ? ticks_to_ns(g_boot_tsc, g_multiplier) : 0;
}

uint64_t monotonic_ns() {
    if (!g_use_tsc) return hv::time().monotonic_ns;
    anchor();
    uint64_t now = x86::rdtsc();
    uint64_t ticks = now > g_anchor.tsc ? now - g_anchor.tsc : 0;
    return g_anchor.monotonic_ns + ticks_to_ns(ticks, g_multiplier);
}

uint64_t realtime_ns() {
    if (!g_use_tsc) return hv::time().realtime_ns;
    anchor();
    uint64_t now = x86::rdtsc();
    uint64_t ticks = now > g_anchor.tsc ? now - g_anchor.tsc : 0;
    return g_anchor.realtime_ns + ticks_to_ns(ticks, g_multiplier);
}

}  // namespace uk::time
