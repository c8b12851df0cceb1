// The vDSO (vdso.c) and its data page (vdso_data.h), shared by every domain: the kernel holds one
// copy of each in frames of its own, and maps those same frames read-only into each address space
// (an MPK domain's window gets them with its key).  The leaf entries carry mm::kPteKernelFrame,
// so teardown, munmap and fork never free, charge or copy them (docs/syscalls.md "vDSO").
#pragma once

#include <stdint.h>

#include "mm/address_space.hpp"

namespace uk::vdso {

// Once at boot, with the frame allocator up: copies the embedded image into kernel frames and
// clears the data page.  Returns nullptr, or why there is no vDSO (then map_into maps nothing and
// apps fall back to syscalls).
const char* init();

// Maps the data page and the image into `as` at the place its layout keeps for them (just below
// the stack's guard gap) and returns the image's address, AT_SYSINFO_EHDR; 0 when there is no
// vDSO or the place cannot be mapped (out of memory for page tables, or already taken), in which
// case nothing is left mapped.  The loader calls it for every app (execve too).
uint64_t map_into(mm::AddressSpace& as);

// Where map_into puts the image in a space with this layout (the data page is one page below).
uint64_t image_address(const mm::UserLayout& layout);

// Called by time/ once its clock is anchored: the parameters every later reading uses, so the
// vDSO computes exactly what the clock syscalls would.
void publish_clock(uint64_t tsc, uint64_t monotonic_ns, uint64_t realtime_ns, uint64_t mult);

}  // namespace uk::vdso
