// The unikernel ELF: checked before any VM exists, then copied into guest memory by p_paddr.
// The kernel is trusted code, but its file is still input: every header field is checked so a
// wrong or damaged --kernel gives one line instead of a wild copy.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "launcher/vm/guest_memory.hpp"

namespace er::launcher {

struct KernelSegment {
    uint64_t paddr;   // GPA of the first byte, inside [ER_GPA_KERNEL, ER_GPA_KERNEL_MAX)
    uint64_t offset;  // file offset of the bytes to copy
    uint64_t filesz;
    uint64_t memsz;  // [filesz, memsz) is zeroed (.bss)
};

struct KernelImage {
    uint64_t entry;  // virtual address for RIP (identity or ER_KERNEL_VBASE-based)
    uint64_t start;  // lowest paddr, page aligned down
    uint64_t end;    // highest paddr + memsz, page aligned up
    std::vector<KernelSegment> segments;
};

// Parses and validates `file`; `name` labels errors ("unikernel", or the --kernel path).
// Throws Error("NAME: what is wrong").
KernelImage parse_kernel(std::span<const uint8_t> file, const std::string& name);

// Copies the segments into guest memory and zeroes their .bss.
// Copies the segments into guest RAM.  Requires freshly mapped (all-zero) RAM: bss is not written.
void load_kernel(const KernelImage& image, std::span<const uint8_t> file, GuestMemory& memory);

}  // namespace er::launcher
