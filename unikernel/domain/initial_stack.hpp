// The SysV x86-64 process entry stack: argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL,
// then the strings and AT_RANDOM bytes above them; rsp 16-byte aligned at argc.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::domain {

struct StackImage {
    uint32_t argc;
    uint32_t envc;
    const char* strings;  // argc then envc NUL-terminated strings, back to back
    uint64_t strings_size;
    uint64_t phdr;  // AT_PHDR (already biased)
    uint64_t phent;
    uint64_t phnum;
    uint64_t entry;  // AT_ENTRY (already biased)
    uint64_t hwcap;
    uint64_t sysinfo_ehdr;  // AT_SYSINFO_EHDR: the vDSO's address, 0 for none (no entry then)
    uint8_t random[16];
};

// Auxiliary vector tags (Linux include/uapi/linux/auxvec.h).
enum AuxTag : uint64_t {
    kAtNull = 0,
    kAtPhdr = 3,
    kAtPhent = 4,
    kAtPhnum = 5,
    kAtPagesz = 6,
    kAtBase = 7,
    kAtFlags = 8,
    kAtEntry = 9,
    kAtUid = 11,
    kAtEuid = 12,
    kAtGid = 13,
    kAtEgid = 14,
    kAtPlatform = 15,
    kAtHwcap = 16,
    kAtClktck = 17,
    kAtSecure = 23,
    kAtRandom = 25,
    kAtExecfn = 31,
    kAtSysinfoEhdr = 33,
};

// Lays out the stack that ends at user address `top` into out[0, out_cap): on success *used is
// the number of bytes, which belong at [top - *used, top), and top - *used is the entry rsp.
// Returns nullptr or why it cannot (too large).  Pure; unit-tested on the host.
const char* layout_initial_stack(const StackImage& s, uint64_t top, uint8_t* out, size_t out_cap,
                                 size_t* used);

// Lays out and copies the stack into the current domain; *rsp is the entry stack pointer.
const char* build_initial_stack(const StackImage& s, uint64_t top, uint64_t* rsp);

}  // namespace uk::domain
