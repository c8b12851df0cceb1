#include "arch/x86/tlb.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"

namespace uk::x86 {
namespace {

uint64_t g_generation = 0;

}  // namespace

void flush_all_tlbs() {
    if (g_cpu.pge) {
        uint64_t cr4 = read_cr4();
        write_cr4(cr4 ^ kCr4Pge);
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
        g_generation++;
    }
}

uint64_t tlb_generation() {
    return g_generation;
}

}  // namespace uk::x86
