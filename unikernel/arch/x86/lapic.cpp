#include "arch/x86/lapic.hpp"

#include "arch/x86/cpu.hpp"
#include "lib/panic.hpp"
#include "mm/layout.hpp"
#include "mm/page_table.hpp"
#include "time/tsc_math.hpp"

namespace uk::x86::lapic {
namespace {

constexpr uint32_t kMsrApicBase = 0x1B;
constexpr uint64_t kApicBaseEnable = 1ull << 11;
constexpr uint64_t kApicBaseX2 = 1ull << 10;
constexpr uint32_t kMsrTscDeadline = 0x6E0;

// Register offsets (xAPIC MMIO); x2APIC MSR = 0x800 + offset / 16.
constexpr uint32_t kRegTpr = 0x80;
constexpr uint32_t kRegEoi = 0xB0;
constexpr uint32_t kRegSvr = 0xF0;
constexpr uint32_t kRegLvtTimer = 0x320;
constexpr uint32_t kRegInitialCount = 0x380;
constexpr uint32_t kRegCurrentCount = 0x390;
constexpr uint32_t kRegDivide = 0x3E0;

constexpr uint32_t kSvrEnable = 1u << 8;
constexpr uint32_t kLvtPeriodic = 1u << 17;
constexpr uint32_t kLvtTscDeadline = 2u << 17;
constexpr uint32_t kDivideBy1 = 0xB;

// KVM's emulated APIC bus runs at 1 GHz (APIC_BUS_CYCLE_NS = 1).
constexpr uint64_t kApicTicksPerUs = 1000;

// Where the xAPIC page is mapped: its own PML4 slot in the kernel half, set up before any domain
// copies the kernel half.
constexpr uint64_t kXapicVa = 0xFFFF'FF00'0000'0000ull;
constexpr uint64_t kPtePcdPwt = (1ull << 4) | (1ull << 3);

enum class Mode { off, tsc_deadline, periodic };

bool g_x2 = false;
Mode g_mode = Mode::off;
uint64_t g_period_tsc = 0;
uint64_t g_deadline = 0;  // TSC value the timer is armed for (TSC-deadline mode)
uint64_t g_tsc_khz = 0;
uint32_t g_period_count = 0;  // initial count of a full period (periodic mode)
bool g_shortened = false;     // periodic mode: the current countdown is shorter than a period
uint64_t g_period_ns = 0;     // the tick as configured, 0 when off

uint32_t read_reg(uint32_t reg) {
    if (g_x2) return uint32_t(rdmsr(0x800 + reg / 16));
    return *reinterpret_cast<volatile uint32_t*>(kXapicVa + reg);
}

void write_reg(uint32_t reg, uint32_t value) {
    if (g_x2) {
        wrmsr(0x800 + reg / 16, value);
        return;
    }
    *reinterpret_cast<volatile uint32_t*>(kXapicVa + reg) = value;
}

void arm_deadline() {
    g_deadline = rdtsc() + g_period_tsc;
    wrmsr(kMsrTscDeadline, g_deadline);
}

}  // namespace

void init(uint32_t period_us, uint64_t tsc_khz) {
    CpuidResult leaf1 = cpuid(1);
    bool has_x2 = (leaf1.ecx >> 21) & 1;
    bool has_deadline = (leaf1.ecx >> 24) & 1;
    uint64_t base = rdmsr(kMsrApicBase);
    if (has_x2) {
        // xAPIC -> x2APIC must pass through "enabled" (EN before EXTD).
        wrmsr(kMsrApicBase, base | kApicBaseEnable);
        wrmsr(kMsrApicBase, base | kApicBaseEnable | kApicBaseX2);
        g_x2 = true;
    } else {
        wrmsr(kMsrApicBase, base | kApicBaseEnable);
        uint64_t pa = base & mm::kPteAddrMask & ~0xFFFull;
        if (mm::g_kernel_pt.map(kXapicVa, pa, mm::kPteWrite | mm::kPteNx | kPtePcdPwt) !=
            mm::MapResult::ok) {
            panic("lapic: cannot map the xAPIC page");
        }
        invlpg(kXapicVa);
    }
    write_reg(kRegTpr, 0);
    write_reg(kRegSvr, kSvrEnable | kSpuriousVector);
    g_period_ns = uint64_t(period_us) * 1000;
    if (period_us == 0) {
        g_mode = Mode::off;
        return;
    }
    if (has_deadline && tsc_khz != 0) {
        g_mode = Mode::tsc_deadline;
        g_tsc_khz = tsc_khz;
        g_period_tsc = uint64_t(period_us) * tsc_khz / 1000;
        if (g_period_tsc == 0) g_period_tsc = 1;
        write_reg(kRegLvtTimer, kLvtTscDeadline | kTimerVector);
        arm_deadline();
    } else {
        g_mode = Mode::periodic;
        write_reg(kRegDivide, kDivideBy1);
        write_reg(kRegLvtTimer, kLvtPeriodic | kTimerVector);
        uint64_t count = uint64_t(period_us) * kApicTicksPerUs;
        g_period_count = count > 0xFFFFFFFFu ? 0xFFFFFFFFu : uint32_t(count);
        write_reg(kRegInitialCount, g_period_count);
    }
    (void)read_reg(kRegSvr);
}

uint64_t period_ns() {
    return g_period_ns;
}

bool timer_running() {
    return g_mode != Mode::off;
}

void ack_tick() {
    write_reg(kRegEoi, 0);
    if (g_mode == Mode::tsc_deadline) arm_deadline();
    if (g_mode == Mode::periodic && g_shortened) {
        // Writing the initial count restarts the countdown: back to full periods.
        g_shortened = false;
        write_reg(kRegInitialCount, g_period_count);
    }
}

void arm_within(uint64_t ns) {
    if (g_mode == Mode::tsc_deadline) {
        uint64_t tsc = rdtsc() + time::ns_to_ticks(ns, g_tsc_khz);
        if (tsc >= g_deadline) return;
        g_deadline = tsc;
        wrmsr(kMsrTscDeadline, tsc);
    } else if (g_mode == Mode::periodic) {
        // The APIC bus counts 1 per ns; a count of 0 would stop the timer.
        uint64_t count = ns * kApicTicksPerUs / 1000;
        if (count == 0) count = 1;
        if (count >= read_reg(kRegCurrentCount)) return;
        g_shortened = true;
        write_reg(kRegInitialCount, uint32_t(count));
    }
}

const char* mode_name() {
    switch (g_mode) {
        case Mode::tsc_deadline:
            return g_x2 ? "x2apic tsc-deadline" : "xapic tsc-deadline";
        case Mode::periodic:
            return g_x2 ? "x2apic periodic" : "xapic periodic";
        case Mode::off:
            break;
    }
    return "off";
}

}  // namespace uk::x86::lapic
