// ELF64 x86-64 application image parser.  Freestanding (no allocation, no exceptions, no libc
// beyond <stdint.h>/<stddef.h>), compiled twice: into the unikernel, which loads the app, and into
// the host library er_elf, which lets the launcher refuse a bad file with one clear line before any
// VM exists, and lets unit tests hit it with malformed input.  The input is hostile: every offset,
// size and count is checked for bounds and overflow before it is used.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace er::elf {

enum class Status : uint8_t {
    ok = 0,
    truncated,            // file shorter than its headers say
    bad_magic,            // not an ELF file
    not_64bit,            // ELFCLASS32
    not_little_endian,    // ELFDATA2MSB
    bad_version,          // e_version / EI_VERSION not 1
    not_x86_64,           // e_machine != EM_X86_64
    bad_type,             // not ET_EXEC or ET_DYN (core files, relocatables)
    dynamically_linked,   // PT_INTERP present, or DT_NEEDED in PT_DYNAMIC
    bad_program_headers,  // e_phentsize wrong, table outside the file, too many entries
    bad_segment,          // filesz > memsz, file range outside the file, address overflow,
                          // non-canonical or kernel-half address, bad p_align
    overlapping_segments,
    writable_executable,  // a PT_LOAD is both W and X (never allowed: see docs/threat-model.md)
    no_loadable_segments,
    bad_entry,          // entry point not inside an executable PT_LOAD
    too_many_segments,  // more than kMaxSegments PT_LOAD
};

// One line of text for a status, e.g. "not an ELF file (bad magic)".
const char* describe(Status s);

constexpr size_t kMaxSegments = 16;
constexpr uint64_t kPageSize = 4096;
// Highest user address an image may occupy (exclusive); the rest of the lower half is for stacks
// and mmap.  Images are also refused below kMinVaddr (null guard).
constexpr uint64_t kMaxUserVaddr = 0x0000'7000'0000'0000ull;
constexpr uint64_t kMinVaddr = 0x10000;

enum SegmentFlags : uint32_t { kExec = 1, kWrite = 2, kRead = 4 };  // same bits as ELF p_flags

struct Segment {
    uint64_t vaddr;  // as in the file (for a PIE: relative to the load bias)
    uint64_t memsz;
    uint64_t offset;  // file offset of the bytes to copy
    uint64_t filesz;  // bytes to copy; [filesz, memsz) is zero-filled (.bss)
    uint32_t flags;   // SegmentFlags
};

struct Image {
    bool pie;             // ET_DYN static PIE: the loader chooses a load bias
    uint64_t entry;       // e_entry (PIE: relative to the bias)
    uint64_t phdr_vaddr;  // where the program headers are in memory (AT_PHDR minus the bias)
    uint16_t phnum;       // AT_PHNUM
    uint16_t phentsize;   // AT_PHENT
    uint64_t lo;          // lowest PT_LOAD vaddr, rounded down to a page
    uint64_t hi;          // highest PT_LOAD vaddr + memsz, rounded up to a page
    bool exec_stack;      // PT_GNU_STACK has PF_X (refused later; reported here)
    uint64_t tls_memsz;   // PT_TLS p_memsz, 0 if none (informational)
    size_t nsegs;
    Segment segs[kMaxSegments];  // PT_LOAD segments in file order
};

// Parses and validates `size` bytes at `data`.  On ok, *out describes the image; on any other
// status *out is unspecified.  Never reads outside [data, data + size).
Status parse(const uint8_t* data, uint64_t size, Image* out);

}  // namespace er::elf
