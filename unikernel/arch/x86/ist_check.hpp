// Boot self-check of the IST stacks (arch/x86/ist_check.cpp).
#pragma once

namespace uk::x86 {

// Panics unless the live IDT and TSS give #DB, NMI, #DF and #MC distinct, guarded IST stacks.
// Call after the kernel's page tables are built (it checks the guards are unmapped).
void check_ist_setup();

}  // namespace uk::x86
