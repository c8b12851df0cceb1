#include "launcher/vm/boot_state.hpp"

#include "launcher/vm/layout.hpp"

namespace er::launcher {
namespace {

constexpr uint64_t kPtePresent = 1ull << 0;
constexpr uint64_t kPteWritable = 1ull << 1;
constexpr uint64_t kPteLarge = 1ull << 7;

constexpr uint64_t kCr0Pe = 1ull << 0, kCr0Mp = 1ull << 1, kCr0Et = 1ull << 4, kCr0Ne = 1ull << 5,
                   kCr0Wp = 1ull << 16, kCr0Pg = 1ull << 31;
constexpr uint64_t kCr4Pae = 1ull << 5, kCr4Osfxsr = 1ull << 9, kCr4Osxmmexcpt = 1ull << 10;
constexpr uint64_t kEferLme = 1ull << 8, kEferLma = 1ull << 10, kEferNxe = 1ull << 11;

// Flat descriptors: base 0, limit 0xfffff with 4 KiB granularity.
constexpr uint64_t kGdtCode64 = 0x00af9a000000ffffull;  // P, DPL0, code exec/read, L=1
constexpr uint64_t kGdtData = 0x00cf92000000ffffull;    // P, DPL0, data read/write, D/B=1

kvm_segment flat_segment(uint16_t selector, uint8_t type, bool code) {
    kvm_segment s{};
    s.base = 0;
    s.limit = 0xffffffff;
    s.selector = selector;
    s.type = type;
    s.present = 1;
    s.dpl = 0;
    s.db = code ? 0 : 1;  // L=1 requires D=0
    s.s = 1;
    s.l = code ? 1 : 0;
    s.g = 1;
    return s;
}

}  // namespace

void write_boot_tables(GuestMemory& memory) {
    using namespace layout;
    memory.zero(ER_GPA_BOOT_PT, ER_GPA_BOOT_PT_END - ER_GPA_BOOT_PT, "boot page tables");
    const uint64_t table_flags = kPtePresent | kPteWritable;
    memory.write<uint64_t>(kPml4 + 0 * 8, kPdptLow | table_flags, "PML4");
    // ER_KERNEL_VBASE = 0xffffffff80000000: PML4 slot 511, PDPT slot 510.
    constexpr unsigned kHighPml4 = (ER_KERNEL_VBASE >> 39) & 511;
    constexpr unsigned kHighPdpt = (ER_KERNEL_VBASE >> 30) & 511;
    static_assert(kHighPml4 == 511 && kHighPdpt == 510);
    memory.write<uint64_t>(kPml4 + kHighPml4 * 8, kPdptHigh | table_flags, "PML4");
    memory.write<uint64_t>(kPdptLow + 0 * 8, kPd | table_flags, "PDPT");
    memory.write<uint64_t>(kPdptHigh + kHighPdpt * 8, kPd | table_flags, "PDPT");
    constexpr uint64_t k2MiB = 2 * kMiB;
    for (uint64_t i = 0; i < kBootMappedBytes / k2MiB; ++i) {
        memory.write<uint64_t>(kPd + i * 8, (i * k2MiB) | table_flags | kPteLarge, "PD");
    }
    memory.write<uint64_t>(kGdt + 0, 0, "GDT");
    memory.write<uint64_t>(kGdt + kCodeSelector, kGdtCode64, "GDT");
    memory.write<uint64_t>(kGdt + kDataSelector, kGdtData, "GDT");
}

void set_long_mode(kvm_sregs& sregs) {
    using namespace layout;
    sregs.cs = flat_segment(kCodeSelector, 0xb, true);
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = flat_segment(kDataSelector, 0x3, false);
    // VMX refuses entry without a usable busy 64-bit TSS in TR, even if the guest never uses it.
    sregs.tr = kvm_segment{};
    sregs.tr.limit = 0x67;
    sregs.tr.type = 0xb;
    sregs.tr.present = 1;
    sregs.ldt = kvm_segment{};
    sregs.ldt.type = 0x2;
    sregs.ldt.unusable = 1;
    sregs.gdt.base = kGdt;
    sregs.gdt.limit = 3 * 8 - 1;
    sregs.idt.base = 0;
    sregs.idt.limit = 0;
    sregs.cr0 = kCr0Pe | kCr0Mp | kCr0Et | kCr0Ne | kCr0Wp | kCr0Pg;
    sregs.cr3 = kPml4;
    sregs.cr4 = kCr4Pae | kCr4Osfxsr | kCr4Osxmmexcpt;
    sregs.efer = kEferLme | kEferLma | kEferNxe;
}

kvm_regs entry_registers(uint64_t entry) {
    kvm_regs regs{};
    regs.rip = entry;
    regs.rsp = ER_KERNEL_VBASE + ER_GPA_BOOT_STACK_TOP;
    regs.rdi = ER_GPA_BOOT_INFO;
    regs.rflags = 2;
    return regs;
}

}  // namespace er::launcher
