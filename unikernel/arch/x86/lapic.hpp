// The local APIC timer: the scheduler's preemption tick.  x2APIC (MSRs) where CPUID.1:ECX[21]
// says so, else xAPIC (MMIO at the APIC base, mapped uncached in the kernel half).  TSC-deadline
// mode where the CPU has it and the TSC frequency is known: each tick is re-armed one period
// after the handler ran, so a slow (emulated) handler can never turn the tick into an interrupt
// storm that starves the apps.  Otherwise periodic mode, counting KVM's 1 GHz APIC bus clock.
#pragma once

#include <stdint.h>

namespace uk::x86::lapic {

constexpr uint8_t kTimerVector = 0x20;
constexpr uint8_t kSpuriousVector = 0xFF;

// Software-enables the APIC and, when period_us != 0, starts the tick.  Must run before the
// first user entry and after the kernel's own page tables are live (xAPIC needs a mapping).
// tsc_khz 0 = unknown.
void init(uint32_t period_us, uint64_t tsc_khz);

bool timer_running();
// The tick's period in ns (0: no timer).
uint64_t period_ns();

// End of interrupt for the timer, then re-arm (TSC-deadline mode).
void ack_tick();

// Makes the next tick come within `ns` nanoseconds (a sleeper's deadline while the CPU idles,
// so short sleeps are not rounded up to a whole tick).  The tick after that has the full period
// again.
void arm_within(uint64_t ns);

const char* mode_name();

}  // namespace uk::x86::lapic
