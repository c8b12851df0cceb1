// WRPKRU/XRSTOR gadget scanner (ERIM's binary-inspection rules; docs/mpk.md).
//
// With MPK domains, every app shares one address space with the others and only PKRU keeps it out
// of their pages.  An app that can execute WRPKRU, or an XRSTOR that loads PKRU from memory it
// wrote, can grant itself every key.  So no executable byte of an app may start such an
// instruction, at ANY offset: x86 code can jump into the middle of another instruction, so the
// bytes 0F 01 EF inside an immediate are as good as a real WRPKRU.
//
// Freestanding (no libc beyond <stdint.h>/<stddef.h>, no allocation, no exceptions): compiled into
// the host library er_mpk (enclave-run check) and, later, into the unikernel, which must repeat
// the scan inside the guest because under SEV the host that ran `check` is not trusted.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "elf/elf.hpp"

namespace er::mpk {

enum class GadgetKind : uint8_t {
    wrpkru,     // 0F 01 EF
    xrstor,     // 0F AE /5 with a memory operand (ModRM.mod != 11)
    xrstor64,   // the same with REX.W (0x48-0x4F) right before the 0F
    xrstors,    // 0F C7 /3 with a memory operand
    xrstors64,  // the same with REX.W right before the 0F
};

// "WRPKRU", "XRSTOR", "XRSTOR64", "XRSTORS", "XRSTORS64".
const char* describe(GadgetKind kind);

// The file offset of bytes that come from no file (zero fill: .bss, gaps in a page).  A finding
// never has it: every gadget starts with a 0F byte, and zero fill is all zeros.
constexpr uint64_t kNoFileOffset = ~0ull;

struct Finding {
    uint64_t offset;  // file offset of the 0F byte (scan_bytes: index into the buffer)
    uint64_t vaddr;   // its virtual address (scan_bytes: base + index; PIE: before the load bias)
    GadgetKind kind;
    // scan_elf only: the 0F byte belongs to a segment without PF_X that shares a page with an
    // executable one (the loader maps such a page executable, so its bytes count as code).
    bool outside_exec_segment;
};

struct ScanResult {
    size_t total;        // gadgets found, listed or not
    size_t count;        // entries written to the caller's array: min(total, capacity)
    bool truncated;      // total > capacity
    uint64_t bytes;      // scan_bytes: bytes scanned; scan_elf: file bytes mapped executable
    elf::Status status;  // scan_elf: the parser's verdict (nothing is scanned unless ok)
};

// Streaming scanner over one or more runs of contiguous executable memory.  Bytes are fed in
// address order; a gadget may be split across feeds of the same run.  A run ends where the next
// byte is not executable (an instruction cannot be fetched across it), so begin_run() forgets the
// previous bytes.
class Scanner {
  public:
    Scanner(Finding* out, size_t capacity) : out_(out), capacity_(capacity) {}

    // Starts a new run at `vaddr`; bytes already fed cannot combine with what follows.
    void begin_run(uint64_t vaddr);
    // The next `n` bytes of the run; `file_offset` is that of data[0] (they are consecutive in
    // the file), or kNoFileOffset.
    void feed(const uint8_t* data, uint64_t n, uint64_t file_offset);
    // The next `n` bytes of the run are zero (.bss, the rest of a page).
    void feed_zeros(uint64_t n);
    // Marks the bytes fed from now on as belonging (or not) to an executable segment.
    void set_outside_exec_segment(bool outside) { outside_ = outside; }

    ScanResult result() const;

  private:
    // The last bytes before the next one fed: hist_[2] is the newest.  Their file offsets and
    // where they came from are kept with them, so a finding that starts in an earlier feed is
    // reported where it starts.
    struct Byte {
        uint8_t value;
        bool outside;
        uint64_t offset;
    };
    void push_slow(uint8_t value, uint64_t file_offset);
    void emit(GadgetKind kind, uint64_t vaddr, uint64_t file_offset, bool outside);

    Finding* out_;
    size_t capacity_;
    size_t total_ = 0;
    uint64_t bytes_ = 0;  // bytes with a file offset fed so far
    uint64_t next_vaddr_ = 0;
    bool outside_ = false;
    Byte hist_[3] = {};
    unsigned nhist_ = 0;  // valid entries at the end of hist_ (0-3)
};

// Scans `size` bytes at `data` as one run of code at virtual address `base`.  Gadgets that would
// need bytes past the end are not reported: the caller passes the whole run.
ScanResult scan_bytes(const uint8_t* data, uint64_t size, uint64_t base, Finding* out,
                      size_t capacity);

// Parses `size` bytes at `data` with er::elf and scans the app's executable memory exactly as the
// unikernel's loader lays it out: every page touched by a PF_X segment, with the file bytes of
// every segment on it (an R segment sharing the last page of the text is executable there too),
// zeros elsewhere, and each run of contiguous executable pages scanned as one (so a gadget split
// across two segments or two pages is found).  Nothing is scanned unless status is ok.
// Keeps a ~700-byte er::elf::Image on the stack; a small kernel stack should parse into its own
// storage and call scan_image.
ScanResult scan_elf(const uint8_t* data, uint64_t size, Finding* out, size_t capacity);

// The same scan of an image that er::elf::parse accepted from these `size` bytes at `data`.
ScanResult scan_image(const elf::Image& img, const uint8_t* data, uint64_t size, Finding* out,
                      size_t capacity);

}  // namespace er::mpk
