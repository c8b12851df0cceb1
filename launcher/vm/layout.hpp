// Launcher-side constants of the guest memory layout that the ABI header leaves to the launcher:
// RAM limits, where the boot page tables and GDT sit inside [ER_GPA_BOOT_PT, ER_GPA_BOOT_PT_END),
// and the VMX TSS pages outside RAM.  docs/launcher.md describes the same numbers.
#pragma once

#include <cstdint>

#include "libos-abi/enclave_abi.h"

namespace er::launcher::layout {

constexpr uint64_t kPageSize = 4096;
constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kGiB = 1024 * kMiB;

constexpr uint64_t kDefaultMemory = 64 * kMiB;
constexpr uint64_t kMinMemory = 16 * kMiB;
// Guest RAM stays below the 32-bit MMIO hole (LAPIC at 0xfee00000, IOAPIC, the TSS below).
constexpr uint64_t kMaxMemory = 3 * kGiB;

// Boot page tables: PML4, a PDPT for the identity half, one for the kernel half, one PD of
// 512 2 MiB pages shared by both (so GPA [0, 1 GiB) appears at 0 and at ER_KERNEL_VBASE).
constexpr uint64_t kPml4 = ER_GPA_BOOT_PT;
constexpr uint64_t kPdptLow = ER_GPA_BOOT_PT + 0x1000;
constexpr uint64_t kPdptHigh = ER_GPA_BOOT_PT + 0x2000;
constexpr uint64_t kPd = ER_GPA_BOOT_PT + 0x3000;
constexpr uint64_t kGdt = ER_GPA_BOOT_PT + 0x4000;
constexpr uint64_t kBootMappedBytes = 1 * kGiB;

// GDT selectors of the boot GDT.
constexpr uint16_t kCodeSelector = 0x08;
constexpr uint16_t kDataSelector = 0x10;

// Intel VMX needs three pages for its real-mode TSS; kvm_amd ignores it.  Outside RAM, below
// the BIOS area, never touched by the launcher.
constexpr uint64_t kTssAddr = 0xfffbd000;

constexpr uint64_t page_align_up(uint64_t x) {
    return (x + kPageSize - 1) & ~(kPageSize - 1);
}

}  // namespace er::launcher::layout
