// Guest clocks.  With a stable TSC of known frequency (ER_BOOT_F_TSC_STABLE) one ER_HC_TIME
// anchors (host monotonic, host realtime, guest TSC) on first use and every later reading is
// rdtsc arithmetic, with no exit; otherwise each reading asks the host.  The anchor is also
// published to the vDSO's data page (vdso/vdso.hpp), so apps read the same clocks without a
// syscall; without a usable TSC the vDSO asks the kernel.
#pragma once

#include <stdint.h>

namespace uk::time {

// Called once at boot with boot_info's tsc_khz and flags.
void init(uint64_t tsc_khz, bool tsc_stable);

uint64_t monotonic_ns();
uint64_t realtime_ns();

// Nanoseconds since boot from the TSC alone, with no exit even on first use: for the guest's own
// bookkeeping (domain run times), which needs no host clock.  Without a usable TSC it asks the
// host.
uint64_t uptime_ns();

// Nanoseconds the TSC had counted when init() ran: under KVM the guest TSC starts at 0 when the
// vCPU is created, so this is the time from vCPU creation to the kernel's clock set-up (the
// launcher's last set-up steps and early boot).  0 without a usable TSC.  For --stats (bench/).
uint64_t boot_tsc_ns();

// True when uptime_ns() is TSC arithmetic (no exit): --stats reads its timestamps only then, so
// it never adds exits to a run it counts.
bool tsc_clock();

}  // namespace uk::time
