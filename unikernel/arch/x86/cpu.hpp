// Thin inline wrappers around privileged x86-64 instructions.  Each one is a single instruction,
// so they live in one header instead of an out-of-line file.
#pragma once

#include <stdint.h>

namespace uk::x86 {

struct CpuidResult {
    uint32_t eax, ebx, ecx, edx;
};

inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0) {
    CpuidResult r;
    asm volatile("cpuid"
                 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(subleaf));
    return r;
}

inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t(hi) << 32) | lo;
}

inline void wrmsr(uint32_t msr, uint64_t value) {
    asm volatile("wrmsr" ::"c"(msr), "a"(uint32_t(value)), "d"(uint32_t(value >> 32)) : "memory");
}

inline uint64_t read_cr0() {
    uint64_t v;
    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
inline void write_cr0(uint64_t v) {
    asm volatile("mov %0, %%cr0" ::"r"(v) : "memory");
}
inline uint64_t read_cr2() {
    uint64_t v;
    asm volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
inline uint64_t read_cr3() {
    uint64_t v;
    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
inline void write_cr3(uint64_t v) {
    asm volatile("mov %0, %%cr3" ::"r"(v) : "memory");
}
inline uint64_t read_cr4() {
    uint64_t v;
    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}
inline void write_cr4(uint64_t v) {
    asm volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

inline void xsetbv(uint32_t index, uint64_t value) {
    asm volatile("xsetbv" ::"c"(index), "a"(uint32_t(value)), "d"(uint32_t(value >> 32)));
}

inline void outl(uint16_t port, uint32_t value) {
    asm volatile("outl %0, %1" ::"a"(value), "Nd"(port) : "memory");
}

inline void invlpg(uint64_t va) {
    asm volatile("invlpg (%0)" ::"r"(va) : "memory");
}

inline uint64_t rdtsc() {
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t(hi) << 32) | lo;
}

// stac/clac are #UD on CPUs without SMAP; callers check the feature first (see user_access.cpp).
inline void stac() {
    asm volatile("stac" ::: "memory", "cc");
}
inline void clac() {
    asm volatile("clac" ::: "memory", "cc");
}

inline void cli() {
    asm volatile("cli" ::: "memory");
}

// Waits for an interrupt with interrupts enabled for exactly that wait: sti's one-instruction
// shadow means none can slip in between and be missed before hlt.
inline void wait_for_interrupt() {
    asm volatile("sti; hlt; cli" ::: "memory");
}

inline void pause() {
    asm volatile("pause" ::: "memory");
}

[[noreturn]] inline void halt_forever() {
    for (;;) asm volatile("cli; hlt" ::: "memory");
}

// MSR numbers used by the kernel.
constexpr uint32_t kMsrEfer = 0xC0000080;
constexpr uint32_t kMsrStar = 0xC0000081;
constexpr uint32_t kMsrLstar = 0xC0000082;
constexpr uint32_t kMsrSfmask = 0xC0000084;
constexpr uint32_t kMsrFsBase = 0xC0000100;
constexpr uint32_t kMsrGsBase = 0xC0000101;
constexpr uint32_t kMsrKernelGsBase = 0xC0000102;

constexpr uint64_t kEferSce = 1ull << 0;
constexpr uint64_t kEferNxe = 1ull << 11;

constexpr uint64_t kCr4Pge = 1ull << 7;
constexpr uint64_t kCr4Pcide = 1ull << 17;
constexpr uint64_t kCr4Osxsave = 1ull << 18;
constexpr uint64_t kCr4Smep = 1ull << 20;
constexpr uint64_t kCr4Smap = 1ull << 21;
constexpr uint64_t kCr4Pke = 1ull << 22;

constexpr uint64_t kRflagsTf = 1ull << 8;
constexpr uint64_t kRflagsIf = 1ull << 9;
constexpr uint64_t kRflagsDf = 1ull << 10;
constexpr uint64_t kRflagsAc = 1ull << 18;

// A 48-bit virtual address is canonical when bits 63..47 are all equal.
constexpr bool is_canonical(uint64_t va) {
    uint64_t top = va >> 47;
    return top == 0 || top == 0x1FFFF;
}

}  // namespace uk::x86
