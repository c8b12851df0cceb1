#include "launcher/vm/boot_state.hpp"

#include <gtest/gtest.h>

#include "launcher/vm/layout.hpp"
#include "test_support.hpp"

namespace er::launcher {
namespace {

// Walks the 4-level tables in `ram` like the MMU would; returns the GPA or ~0 if unmapped.
uint64_t translate(const GuestMemory& mem, uint64_t cr3, uint64_t va) {
    constexpr uint64_t kAddr = 0x000ffffffffff000ull;
    uint64_t pml4e = mem.read<uint64_t>(cr3 + ((va >> 39) & 511) * 8, "pml4e");
    if (!(pml4e & 1)) return ~0ull;
    uint64_t pdpte = mem.read<uint64_t>((pml4e & kAddr) + ((va >> 30) & 511) * 8, "pdpte");
    if (!(pdpte & 1)) return ~0ull;
    uint64_t pde = mem.read<uint64_t>((pdpte & kAddr) + ((va >> 21) & 511) * 8, "pde");
    if (!(pde & 1) || !(pde & 0x80)) return ~0ull;
    return (pde & 0x000fffffffe00000ull) + (va & 0x1fffff);
}

TEST(BootState, PageTablesMapFirstGiBTwice) {
    test::FakeRam ram(16 << 20);
    write_boot_tables(ram.memory);
    const uint64_t cr3 = ER_GPA_BOOT_PT;
    for (uint64_t gpa : {0x0ull, 0x1000ull, 0x100000ull, 0x800123ull, 0x3fffffffull}) {
        EXPECT_EQ(translate(ram.memory, cr3, gpa), gpa);
        EXPECT_EQ(translate(ram.memory, cr3, ER_KERNEL_VBASE + gpa), gpa);
    }
    EXPECT_EQ(translate(ram.memory, cr3, 0x40000000), ~0ull);
    EXPECT_EQ(translate(ram.memory, cr3, ER_DIRECT_MAP_VBASE), ~0ull);
    // Boot stack top as RSP sees it.
    EXPECT_EQ(translate(ram.memory, cr3, ER_KERNEL_VBASE + ER_GPA_BOOT_STACK_TOP - 8),
              ER_GPA_BOOT_STACK_TOP - 8);
}

TEST(BootState, GdtHasFlatCodeAndData) {
    test::FakeRam ram(16 << 20);
    write_boot_tables(ram.memory);
    EXPECT_EQ(ram.memory.read<uint64_t>(layout::kGdt, "gdt"), 0u);
    uint64_t code = ram.memory.read<uint64_t>(layout::kGdt + 8, "gdt");
    EXPECT_TRUE(code & (1ull << 53));   // L: 64-bit
    EXPECT_FALSE(code & (1ull << 54));  // D must be 0 with L
    EXPECT_TRUE(code & (1ull << 47));   // present
    EXPECT_EQ((code >> 45) & 3, 0u);    // DPL 0
    uint64_t data = ram.memory.read<uint64_t>(layout::kGdt + 16, "gdt");
    EXPECT_EQ((data >> 40) & 0xf, 2u);  // read/write data
    EXPECT_LE(layout::kGdt + 24, ER_GPA_BOOT_PT_END);
}

TEST(BootState, LongModeRegisters) {
    kvm_sregs s{};
    set_long_mode(s);
    EXPECT_EQ(s.cr0, 0x80010033u);  // PG WP NE ET MP PE
    EXPECT_EQ(s.cr4, 0x620u);       // OSXMMEXCPT OSFXSR PAE
    EXPECT_EQ(s.efer, 0xd00u);      // NXE LMA LME
    EXPECT_EQ(s.cr3, ER_GPA_BOOT_PT);
    EXPECT_EQ(s.cs.selector, 0x08);
    EXPECT_EQ(s.cs.l, 1);
    EXPECT_EQ(s.cs.db, 0);
    EXPECT_EQ(s.ss.selector, 0x10);
    EXPECT_EQ(s.ds.selector, 0x10);
    EXPECT_EQ(s.gdt.base, layout::kGdt);
    EXPECT_EQ(s.gdt.limit, 23);
}

TEST(BootState, EntryRegisters) {
    kvm_regs r = entry_registers(0xffffffff80100000ull);
    EXPECT_EQ(r.rip, 0xffffffff80100000ull);
    EXPECT_EQ(r.rsp, 0xffffffff80080000ull);
    EXPECT_EQ(r.rdi, ER_GPA_BOOT_INFO);
    EXPECT_EQ(r.rflags, 2u);
}

}  // namespace
}  // namespace er::launcher
