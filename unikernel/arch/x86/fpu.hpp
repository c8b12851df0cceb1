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

}  // namespace uk::x86::fpu
