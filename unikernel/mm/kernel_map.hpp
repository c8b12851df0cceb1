// The kernel's own page tables, built once at boot to replace the launcher's: the image with
// per-section rights (text RX, rodata R+NX, data/bss RW+NX; stack guard pages unmapped) and a
// supervisor NX direct map of all RAM at ER_DIRECT_MAP_VBASE.  Nothing in the lower half.
#pragma once

#include <stdint.h>

namespace uk::mm {

// Builds g_kernel_pt, switches CR3 to it and moves g_phys_window to the direct map.
// Returns nullptr or why it failed (out of memory).
const char* build_kernel_map(uint64_t mem_size);

}  // namespace uk::mm
