/*
 * The vDSO's data page (vvar): what the kernel publishes for the vDSO to read the clocks without
 * a syscall.  One physical frame, read-only in every domain, owned by the kernel.  It holds only
 * the clock parameters the kernel's own clocks use (unikernel/time/clock.cpp): nothing in it
 * depends on any domain, so every domain may see it (docs/threat-model.md "The vDSO").
 * Shared by the vDSO (C, user mode) and the kernel (C++); plain integer fields only.
 */
#ifndef ER_VDSO_DATA_H
#define ER_VDSO_DATA_H

#ifdef __cplusplus
#include <cstdint>
#else
#include <stdint.h>
#endif

/* mode: how the vDSO may read the clocks. */
#define ER_VDSO_MODE_SYSCALL 0u /* not anchored yet, or no usable TSC: ask the kernel */
#define ER_VDSO_MODE_TSC 1u     /* anchor + (rdtsc - tsc) * mult >> 32, the kernel's formula */

struct er_vdso_data {
    /* Odd while the kernel writes the fields below; a reader retries until it reads the same even
     * value before and after its copy.  Written by the kernel only (one vCPU: a domain can only
     * see it between updates, but the protocol keeps the page correct with more). */
    volatile uint32_t seq;
    uint32_t mode;         /* ER_VDSO_MODE_* */
    uint64_t tsc;          /* the guest TSC at the anchor */
    uint64_t monotonic_ns; /* CLOCK_MONOTONIC at the anchor */
    uint64_t realtime_ns;  /* CLOCK_REALTIME at the anchor */
    uint64_t mult;         /* ns per TSC tick, 32.32 fixed point (time/tsc_math.hpp) */
};

#endif /* ER_VDSO_DATA_H */
