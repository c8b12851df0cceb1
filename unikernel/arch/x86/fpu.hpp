// Per-domain x87/SSE/AVX register state.  The kernel is built with -mgeneral-regs-only and never
// touches these registers, so a domain's state only has to be saved and restored when the CPU
// switches to another domain (musl's memcpy and printf use SSE: without this, domains would
// corrupt each other's registers).  FXSAVE/FXRSTOR for x87 and SSE, plus XSAVE/XRSTOR of the
// components above them (AVX) where XCR0 enables any (fpu.cpp says why the split).
#pragma once

#include <stdint.h>

namespace uk::x86::fpu {

// Measures the save area and records the clean state every new domain starts from (x87 after
// FNINIT, MXCSR 0x1F80, vector registers zero).  After enable_cpu_features().
void init();

// Bytes one save area needs (at most one page; areas are page-aligned frames).
uint64_t area_size();

// Fills a fresh area with the clean state.
void init_area(void* area);
void save(void* area);
void restore(const void* area);

// XCR0 (0 without XSAVE): the components an area holds, a signal frame's xfeatures.
uint64_t xfeatures();
// Makes an area filled from app memory (rt_sigreturn) safe for restore(), which must never fault
// in the kernel: false when MXCSR sets bits the CPU does not allow (FXRSTOR would #GP); the XSAVE
// header is rewritten to the standard form with only XCR0's components (XRSTOR would #GP on
// others), and without `extended` (no valid XSAVE image followed) AVX goes back to its init state.
bool sanitize(void* area, bool extended);

}  // namespace uk::x86::fpu
