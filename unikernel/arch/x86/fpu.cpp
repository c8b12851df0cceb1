#include "arch/x86/fpu.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"
#include "lib/panic.hpp"
#include "lib/string.hpp"

namespace uk::x86::fpu {
namespace {

constexpr uint64_t kFxsaveSize = 512;
constexpr uint64_t kMaxArea = 4096;

uint64_t g_size = kFxsaveSize;
uint64_t g_xcr0 = 0;
// The clean state, captured once at boot; 64-byte alignment is XSAVE's requirement.
alignas(64) uint8_t g_clean[kMaxArea];

}  // namespace

void init() {
    if (g_cpu.xsave) {
        g_xcr0 = g_cpu.avx ? 0x7 : 0x3;  // what enable_cpu_features() put in XCR0
        // CPUID.(0xD, 0).EBX: the size XSAVE needs for the components enabled in XCR0 now.
        g_size = cpuid(0xD, 0).ebx;
        if (g_size < kFxsaveSize + 64 || g_size > kMaxArea)
            panic("fpu: XSAVE area size from CPUID leaf 0xD is out of range");
    }
    memset(g_clean, 0, sizeof g_clean);  // XSAVE needs a zero header's reserved bytes
    save(g_clean);
}

uint64_t area_size() {
    return g_size;
}

void init_area(void* area) {
    memcpy(area, g_clean, g_size);
}

// x87 and SSE always go through FXSAVE/FXRSTOR (the XSAVE area's legacy region has the same
// layout), and XSAVE/XRSTOR handle only the components above them (AVX).  Why not one XSAVE of
// everything: in the test VM (kvm_amd under QEMU TCG) XSAVE run by the nested guest saw XCR0 =
// x87 only and skipped the SSE registers, so domains silently shared xmm0-15.  FXSAVE does not
// depend on XCR0; on real CPUs the split is equivalent.
constexpr uint64_t kAboveSse = ~0x3ull;

void save(void* area) {
    asm volatile("fxsave64 (%0)" ::"r"(area) : "memory");
    uint64_t upper = g_xcr0 & kAboveSse;
    if (upper != 0) {
        asm volatile("xsave64 (%0)" ::"r"(area), "a"(uint32_t(upper)), "d"(uint32_t(upper >> 32))
                     : "memory");
    }
}

void restore(const void* area) {
    asm volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
    uint64_t upper = g_xcr0 & kAboveSse;
    if (upper != 0) {
        asm volatile("xrstor64 (%0)" ::"r"(area), "a"(uint32_t(upper)), "d"(uint32_t(upper >> 32))
                     : "memory");
    }
}

uint64_t xfeatures() {
    return g_xcr0;
}

bool sanitize(void* area, bool extended) {
    auto* b = static_cast<uint8_t*>(area);
    uint32_t mxcsr, mask;
    memcpy(&mxcsr, b + 24, 4);
    memcpy(&mask, g_clean + 28, 4);  // MXCSR_MASK as FXSAVE reported it; 0 means 0xFFBF
    if (mask == 0) mask = 0xFFBF;
    if (mxcsr & ~mask) return false;
    if (g_size > kFxsaveSize) {
        // The XSAVE header at 512: XSTATE_BV, XCOMP_BV (0: standard form), 48 reserved zero bytes.
        uint64_t bv;
        memcpy(&bv, b + kFxsaveSize, 8);
        bv = extended ? bv & g_xcr0 : bv & 0x3;
        memset(b + kFxsaveSize, 0, 64);
        memcpy(b + kFxsaveSize, &bv, 8);
    }
    return true;
}

}  // namespace uk::x86::fpu
