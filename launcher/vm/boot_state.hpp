// The state the vCPU starts in: 64-bit long mode directly (no firmware, no real mode), with the
// launcher's boot page tables and GDT in [ER_GPA_BOOT_PT, ER_GPA_BOOT_PT_END).  The entry contract
// the unikernel codes against is written down in docs/launcher.md; this file is its one
// implementation.
#pragma once

#include <linux/kvm.h>

#include <cstdint>

#include "launcher/vm/guest_memory.hpp"

namespace er::launcher {

// Writes PML4, PDPTs, the PD (GPA [0, 1 GiB) as 2 MiB pages, at 0 and at ER_KERNEL_VBASE) and
// the GDT (null, 0x08 64-bit code DPL0, 0x10 data) into guest memory.
void write_boot_tables(GuestMemory& memory);

// Segment and control registers for long mode with those tables.  `sregs` comes from
// KVM_GET_SREGS so fields the launcher does not set keep KVM's reset values.
void set_long_mode(kvm_sregs& sregs);

// General registers at entry: RIP = kernel entry, RSP = boot stack (kernel half),
// RDI = ER_GPA_BOOT_INFO, RFLAGS = 2 (interrupts off).
kvm_regs entry_registers(uint64_t entry);

}  // namespace er::launcher
