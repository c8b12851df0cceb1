// Host-level cost of the MPK gate's instructions on real hardware (issue #4, bench/README.md):
// WRPKRU alone, RDPKRU alone, and a "gate" (WRPKRU to open a key, one load, WRPKRU to close it),
// each next to a plain load as the baseline.  Needs a CPU with PKU and an OS that enabled it
// (CPUID.7.0:ECX[4] OSPKE); elsewhere every benchmark is skipped with the reason, since WRPKRU
// would be #UD.  The values written keep key 0 (all of this process's memory) open, so the
// benchmark never revokes its own rights.
#include <benchmark/benchmark.h>
#include <cpuid.h>

#include <cstdint>

// The unikernel's own accessors: the bench times the very instructions the gate runs.
#include "unikernel/arch/x86/pkru.hpp"

namespace {

bool os_enabled_pku() {
    unsigned a, b, c, d;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;
    return (c >> 4) & 1;  // OSPKE: PKU present and CR4.PKE set by the OS
}

using uk::x86::read_pkru;
using uk::x86::write_pkru;

bool skip_without_pku(benchmark::State& state) {
    if (os_enabled_pku()) return false;
    state.SkipWithError("no PKU here (CPUID.7.0:ECX OSPKE clear): WRPKRU would fault");
    return true;
}

// Key 1 open or closed; key 0 (every page of this process) always open.
constexpr uint32_t kKey1Open = 0xFFFFFFF0u;
constexpr uint32_t kKey1Closed = 0xFFFFFFFCu;

volatile uint64_t g_word = 42;

void BM_PlainLoad(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(g_word);
}

void BM_Rdpkru(benchmark::State& state) {
    if (skip_without_pku(state)) return;
    for (auto _ : state) benchmark::DoNotOptimize(read_pkru());
}

void BM_Wrpkru(benchmark::State& state) {
    if (skip_without_pku(state)) return;
    uint32_t saved = read_pkru();
    bool open = false;
    for (auto _ : state) {
        write_pkru(open ? kKey1Open : kKey1Closed);
        open = !open;
    }
    write_pkru(saved);
}

// What a domain switch under MPK does to PKRU, bracketing one access: open, load, close.
void BM_GateAroundLoad(benchmark::State& state) {
    if (skip_without_pku(state)) return;
    uint32_t saved = read_pkru();
    for (auto _ : state) {
        write_pkru(kKey1Open);
        benchmark::DoNotOptimize(g_word);
        write_pkru(kKey1Closed);
    }
    write_pkru(saved);
}

}  // namespace

BENCHMARK(BM_PlainLoad);
BENCHMARK(BM_Rdpkru);
BENCHMARK(BM_Wrpkru);
BENCHMARK(BM_GateAroundLoad);
BENCHMARK_MAIN();
