#include "arch/x86/gdt.hpp"

#include "arch/x86/ist.hpp"
#include "arch/x86/stacks.hpp"

namespace uk::x86 {
namespace {

struct __attribute__((packed)) Tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct __attribute__((packed)) DescriptorPointer {
    uint16_t limit;
    uint64_t base;
};

// Flat descriptors: 64-bit code has L=1; data is writable; DPL in bits 45-46.
constexpr uint64_t kKernelCode = 0x00AF'9A00'0000'FFFFull;
constexpr uint64_t kKernelData = 0x00CF'9200'0000'FFFFull;
constexpr uint64_t kUserData = 0x00CF'F200'0000'FFFFull;
constexpr uint64_t kUserCode = 0x00AF'FA00'0000'FFFFull;

alignas(16) uint64_t g_gdt[8];
alignas(16) Tss g_tss;

}  // namespace

void init_gdt_and_tss() {
    g_gdt[0] = 0;
    g_gdt[1] = kKernelCode;
    g_gdt[2] = kKernelData;
    g_gdt[3] = 0;
    g_gdt[4] = kUserData;
    g_gdt[5] = kUserCode;

    g_tss = Tss{};
    g_tss.rsp[0] = reinterpret_cast<uint64_t>(uk_kernel_stack_top);
    for (unsigned ist = 1; ist <= kIstStacks; ist++) g_tss.ist[ist - 1] = ist_stack_top(ist);
    // An I/O bitmap offset past the TSS limit means "no bitmap": every in/out from CPL3 faults,
    // so apps can never issue hypercalls themselves.
    g_tss.iomap_base = sizeof(Tss);

    uint64_t base = reinterpret_cast<uint64_t>(&g_tss);
    uint64_t limit = sizeof(Tss) - 1;
    g_gdt[6] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
               (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    g_gdt[7] = base >> 32;

    DescriptorPointer gdtr{sizeof(g_gdt) - 1, reinterpret_cast<uint64_t>(g_gdt)};
    asm volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w2, %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%ss\n\t"
        "xorl %%eax, %%eax\n\t"
        "movw %%ax, %%fs\n\t"
        "movw %%ax, %%gs\n\t"
        "ltr %w3"
        :
        : "m"(gdtr), "i"(uint64_t(kKernelCs)), "r"(uint32_t(kKernelDs)), "r"(uint32_t(kTssSel))
        : "rax", "memory");
}

void set_kernel_stack(uint64_t rsp0) {
    g_tss.rsp[0] = rsp0;
}

}  // namespace uk::x86
