// Where things live, virtually and physically (docs/guest.md has the picture).
#pragma once

#include <stdint.h>

#include "libos-abi/enclave_abi.h"
#include "libos-abi/user_layout.h"

namespace uk::mm {

constexpr uint64_t kPageSize = 4096;
constexpr uint64_t kLargePageSize = 2ull << 20;

constexpr uint64_t page_down(uint64_t v) {
    return v & ~(kPageSize - 1);
}
constexpr uint64_t page_up(uint64_t v) {
    return (v + kPageSize - 1) & ~(kPageSize - 1);
}
constexpr bool page_aligned(uint64_t v) {
    return (v & (kPageSize - 1)) == 0;
}

// ---- user (lower) half ----
// Everything an app can map lies in [kUserMin, kUserEnd).  The first 64 KiB stay unmapped so
// NULL-ish pointers fault; the top page below 2^47 stays unmapped like Linux's TASK_SIZE.  The
// numbers are libos-abi/user_layout.h's: the launcher checks apps against the same ones.
constexpr uint64_t kUserMin = ER_USER_MIN;
constexpr uint64_t kUserEnd = ER_USER_END;
// The initial stack: 8 MiB, demand paged, ending one guard page below kUserEnd.
constexpr uint64_t kUserStackTop = ER_USER_STACK_TOP;
constexpr uint64_t kUserStackSize = ER_USER_STACK_SIZE;
// Where anonymous mmap searches top-down from when no usable hint is given.
constexpr uint64_t kMmapBase = ER_MMAP_BASE;
// Load bias for static-PIE (ET_DYN) apps, the address Linux uses without ASLR.
constexpr uint64_t kPieLoadBias = ER_PIE_LOAD_BIAS;

// ---- kernel (upper) half ----
// Physical address of a kernel-image object (code, data, bss): its link address minus the base.
inline uint64_t kernel_image_gpa(const void* p) {
    return reinterpret_cast<uint64_t>(p) - ER_KERNEL_VBASE;
}

// The window through which the kernel reaches physical memory.  During early boot it is the
// launcher's mapping of the first 1 GiB at ER_KERNEL_VBASE; once the kernel's own page tables are
// live it is the direct map at ER_DIRECT_MAP_VBASE, which covers all of RAM.
extern uint64_t g_phys_window;

inline void* phys_to_virt(uint64_t pa) {
    return reinterpret_cast<void*>(g_phys_window + pa);
}

// The GPA of any kernel pointer (image or direct map), for hypercall arguments.
inline uint64_t kernel_gpa(const void* p) {
    uint64_t va = reinterpret_cast<uint64_t>(p);
    if (va >= ER_KERNEL_VBASE) return va - ER_KERNEL_VBASE;
    return va - ER_DIRECT_MAP_VBASE;
}

}  // namespace uk::mm
