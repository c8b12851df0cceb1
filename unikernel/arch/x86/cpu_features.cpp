#include "arch/x86/cpu_features.hpp"

#include "arch/x86/cpu.hpp"

namespace uk::x86 {

CpuFeatures g_cpu;

void detect_cpu_features() {
    CpuidResult leaf0 = cpuid(0);
    CpuidResult leaf1 = cpuid(1);
    g_cpu.hwcap = leaf1.edx;
    g_cpu.pge = (leaf1.edx >> 13) & 1;
    g_cpu.xsave = (leaf1.ecx >> 26) & 1;
    g_cpu.avx = (leaf1.ecx >> 28) & 1;
    g_cpu.pcid = (leaf1.ecx >> 17) & 1;
    if (leaf0.eax >= 7) {
        CpuidResult leaf7 = cpuid(7, 0);
        g_cpu.smep = (leaf7.ebx >> 7) & 1;
        g_cpu.smap = (leaf7.ebx >> 20) & 1;
        g_cpu.pku = (leaf7.ecx >> 3) & 1;
    }
    CpuidResult ext0 = cpuid(0x80000000);
    if (ext0.eax >= 0x80000001) g_cpu.nx = (cpuid(0x80000001).edx >> 20) & 1;
}

void enable_cpu_features() {
    uint64_t cr4 = read_cr4();
    if (g_cpu.pge) cr4 |= kCr4Pge;
    if (g_cpu.smep) cr4 |= kCr4Smep;
    if (g_cpu.smap) cr4 |= kCr4Smap;
    if (g_cpu.xsave) cr4 |= kCr4Osxsave;
    // CR3[11:0] is zero here (the kernel's root, page aligned), as setting PCIDE requires.
    if (g_cpu.pcid) cr4 |= kCr4Pcide;
    // Protection keys for user pages (MPK domains).  PKRU starts at 0 (all keys open); activate()
    // sets each domain's rights before it first runs.  XCR0 below never enables the PKRU state
    // component, so no XRSTOR, the app's or ours, can load PKRU from memory.
    if (g_cpu.pku) cr4 |= kCr4Pke;
    write_cr4(cr4);
    if (g_cpu.xsave) {
        // x87 and SSE always; AVX when present, so apps that test OSXSAVE+XCR0 may use it.  The
        // kernel itself is built with -mgeneral-regs-only and never touches this state.
        uint64_t xcr0 = 0x3;
        if (g_cpu.avx) xcr0 |= 0x4;
        xsetbv(0, xcr0);
    }
    uint32_t mxcsr = 0x1F80;  // Linux's initial MXCSR: all exceptions masked, round to nearest
    asm volatile("fninit; ldmxcsr %0" ::"m"(mxcsr));
}

}  // namespace uk::x86
