// ELF64 x86-64 application image parser (contract in elf.hpp).
//
// Freestanding: compiled into the unikernel as well as the host library er_elf, so it uses no libc
// (not even memcpy: fields are read byte by byte), allocates nothing and throws nothing.  Structure
// copies are avoided on purpose, because a compiler may lower them to memcpy calls.
//
// Every offset, size and count comes from a hostile file.  Each range is checked in two steps:
// arithmetic that would overflow 64 bits is a malformed header (bad_program_headers / bad_segment);
// a well-formed range that merely ends past the end of the file is `truncated` ("file shorter than
// its headers say"), which is what a user sees for a cut-off download.
//
// Segment overlap rule.  Real linkers (GNU ld, lld, musl and glibc toolchains) may emit
// consecutive PT_LOADs that are disjoint byte for byte but share a 4 KiB page (one ends and the
// next starts within the same page).  The guest loader maps such a shared page once, with the
// union of both segments' permissions.  So:
//   - segments whose byte ranges [vaddr, vaddr + memsz) intersect: overlapping_segments;
//   - segments that only share a page, where the union of their flags is W+X: writable_executable
//     (the shared page would be both writable and executable);
//   - segments that share a page with a harmless union (e.g. R and RW): allowed.
#include "elf/elf.hpp"

namespace er::elf {
namespace {

// ELF constants (System V gABI and the x86-64 psABI), defined here because the guest has no
// <elf.h>.
constexpr uint64_t kEhdrSize = 64;
constexpr uint16_t kPhentSize = 56;
constexpr uint16_t kMaxPhnum = 64;
constexpr uint64_t kDynEntrySize = 16;

constexpr uint8_t kElfClass64 = 2;
constexpr uint8_t kElfData2Lsb = 1;
constexpr uint8_t kEvCurrent = 1;
constexpr uint16_t kEtExec = 2;
constexpr uint16_t kEtDyn = 3;
constexpr uint16_t kEmX86_64 = 62;

constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPtDynamic = 2;
constexpr uint32_t kPtInterp = 3;
constexpr uint32_t kPtPhdr = 6;
constexpr uint32_t kPtTls = 7;
constexpr uint32_t kPtGnuStack = 0x6474e551;

constexpr int64_t kDtNull = 0;
constexpr int64_t kDtNeeded = 1;

// Offsets of the fields we use in Elf64_Ehdr.
constexpr uint64_t kEiClass = 4;
constexpr uint64_t kEiData = 5;
constexpr uint64_t kEiVersion = 6;
constexpr uint64_t kEType = 16;
constexpr uint64_t kEMachine = 18;
constexpr uint64_t kEVersion = 20;
constexpr uint64_t kEEntry = 24;
constexpr uint64_t kEPhoff = 32;
constexpr uint64_t kEPhentsize = 54;
constexpr uint64_t kEPhnum = 56;

// Offsets in Elf64_Phdr.
constexpr uint64_t kPType = 0;
constexpr uint64_t kPFlags = 4;
constexpr uint64_t kPOffset = 8;
constexpr uint64_t kPVaddr = 16;
constexpr uint64_t kPFilesz = 32;
constexpr uint64_t kPMemsz = 40;
constexpr uint64_t kPAlign = 48;

constexpr uint8_t kMagic[4] = {0x7f, 'E', 'L', 'F'};

// Little-endian reads.  Callers have already checked that [at, at + N) lies inside the buffer.
uint64_t read_le(const uint8_t* p, unsigned n) {
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;) v = (v << 8) | p[i];
    return v;
}
uint16_t read16(const uint8_t* p) {
    return static_cast<uint16_t>(read_le(p, 2));
}
uint32_t read32(const uint8_t* p) {
    return static_cast<uint32_t>(read_le(p, 4));
}
uint64_t read64(const uint8_t* p) {
    return read_le(p, 8);
}

// a + b without wrapping; false if it would wrap.
bool checked_add(uint64_t a, uint64_t b, uint64_t* sum) {
    if (a > UINT64_MAX - b) return false;
    *sum = a + b;
    return true;
}

uint64_t page_down(uint64_t v) {
    return v & ~(kPageSize - 1);
}
// Only called on values at most kMaxUserVaddr, so the addition cannot wrap.
uint64_t page_up(uint64_t v) {
    return page_down(v + kPageSize - 1);
}

bool is_pow2_or_zero(uint64_t v) {
    return (v & (v - 1)) == 0;
}

// A file range [offset, offset + len): overflow is a malformed header, past EOF is truncation.
Status check_file_range(uint64_t offset, uint64_t len, uint64_t size, Status malformed) {
    uint64_t end = 0;
    if (!checked_add(offset, len, &end)) return malformed;
    if (end > size) return Status::truncated;
    return Status::ok;
}

struct Phdr {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
};

Phdr read_phdr(const uint8_t* p) {
    Phdr h;
    h.type = read32(p + kPType);
    h.flags = read32(p + kPFlags);
    h.offset = read64(p + kPOffset);
    h.vaddr = read64(p + kPVaddr);
    h.filesz = read64(p + kPFilesz);
    h.memsz = read64(p + kPMemsz);
    h.align = read64(p + kPAlign);
    return h;
}

bool is_wx(uint32_t flags) {
    return (flags & kWrite) && (flags & kExec);
}

// Checks e_ident and the fixed ELF header fields.  Identification bytes are checked as far as the
// file goes before the size check, so a short non-ELF or 32-bit file still gets the precise reason.
Status check_header(const uint8_t* data, uint64_t size) {
    for (uint64_t i = 0; i < 4 && i < size; ++i)
        if (data[i] != kMagic[i]) return Status::bad_magic;
    if (size > kEiClass && data[kEiClass] != kElfClass64) return Status::not_64bit;
    if (size > kEiData && data[kEiData] != kElfData2Lsb) return Status::not_little_endian;
    if (size > kEiVersion && data[kEiVersion] != kEvCurrent) return Status::bad_version;
    if (size < kEhdrSize) return Status::truncated;
    uint16_t type = read16(data + kEType);
    if (type != kEtExec && type != kEtDyn) return Status::bad_type;
    if (read16(data + kEMachine) != kEmX86_64) return Status::not_x86_64;
    if (read32(data + kEVersion) != kEvCurrent) return Status::bad_version;
    return Status::ok;
}

// PT_DYNAMIC: a static PIE has one without DT_NEEDED; any DT_NEEDED means shared libraries.
Status check_dynamic(const uint8_t* data, uint64_t size, const Phdr& h) {
    Status s = check_file_range(h.offset, h.filesz, size, Status::bad_segment);
    if (s != Status::ok) return s;
    uint64_t count = h.filesz / kDynEntrySize;
    for (uint64_t i = 0; i < count; ++i) {
        int64_t tag = static_cast<int64_t>(read64(data + h.offset + i * kDynEntrySize));
        if (tag == kDtNull) break;
        if (tag == kDtNeeded) return Status::dynamically_linked;
    }
    return Status::ok;
}

// Checks one PT_LOAD on its own and appends it to out->segs.
Status add_load(const Phdr& h, uint64_t size, bool pie, Image* out) {
    if (out->nsegs >= kMaxSegments) return Status::too_many_segments;
    if (h.filesz > h.memsz) return Status::bad_segment;
    Status s = check_file_range(h.offset, h.filesz, size, Status::bad_segment);
    if (s != Status::ok) return s;
    uint64_t end = 0;
    if (!checked_add(h.vaddr, h.memsz, &end)) return Status::bad_segment;
    // ET_EXEC sits at its link addresses; a PIE is placed at a bias >= kMinVaddr of the loader's
    // choosing, so only its span (from 0) has to fit.
    if (pie) {
        if (end > kMaxUserVaddr - kMinVaddr) return Status::bad_segment;
    } else if (h.vaddr < kMinVaddr || end > kMaxUserVaddr) {
        return Status::bad_segment;
    }
    if (!is_pow2_or_zero(h.align)) return Status::bad_segment;
    if (h.align >= kPageSize && (h.vaddr % kPageSize) != (h.offset % kPageSize))
        return Status::bad_segment;
    if (is_wx(h.flags)) return Status::writable_executable;

    Segment& seg = out->segs[out->nsegs++];
    seg.vaddr = h.vaddr;
    seg.memsz = h.memsz;
    seg.offset = h.offset;
    seg.filesz = h.filesz;
    seg.flags = h.flags & (kRead | kWrite | kExec);
    return Status::ok;
}

// The overlap rule at the top of this file.
Status check_overlaps(const Image& img) {
    for (size_t i = 0; i < img.nsegs; ++i) {
        const Segment& a = img.segs[i];
        if (a.memsz == 0) continue;
        for (size_t j = i + 1; j < img.nsegs; ++j) {
            const Segment& b = img.segs[j];
            if (b.memsz == 0) continue;
            uint64_t a_end = a.vaddr + a.memsz;  // no wrap: checked in add_load
            uint64_t b_end = b.vaddr + b.memsz;
            if (a.vaddr < b_end && b.vaddr < a_end) return Status::overlapping_segments;
            bool share_page =
                page_down(a.vaddr) < page_up(b_end) && page_down(b.vaddr) < page_up(a_end);
            if (share_page && is_wx(a.flags | b.flags)) return Status::writable_executable;
        }
    }
    return Status::ok;
}

bool entry_is_executable(const Image& img) {
    for (size_t i = 0; i < img.nsegs; ++i) {
        const Segment& s = img.segs[i];
        if ((s.flags & kExec) && img.entry >= s.vaddr && img.entry - s.vaddr < s.memsz) return true;
    }
    return false;
}

// AT_PHDR: musl's start code reads the program headers from memory, so they must be mapped.
// PT_PHDR names their address; without it, the PT_LOAD whose file bytes hold the table does.
Status find_phdr_vaddr(uint64_t phoff, uint64_t table_len, bool have_pt_phdr, uint64_t pt_phdr,
                       Image* out) {
    for (size_t i = 0; i < out->nsegs; ++i) {
        const Segment& s = out->segs[i];
        if (have_pt_phdr) {
            if (pt_phdr >= s.vaddr && pt_phdr - s.vaddr <= s.memsz &&
                table_len <= s.memsz - (pt_phdr - s.vaddr)) {
                out->phdr_vaddr = pt_phdr;
                return Status::ok;
            }
        } else if (phoff >= s.offset && phoff - s.offset <= s.filesz &&
                   table_len <= s.filesz - (phoff - s.offset)) {
            out->phdr_vaddr = s.vaddr + (phoff - s.offset);
            return Status::ok;
        }
    }
    return Status::bad_program_headers;
}

}  // namespace

const char* describe(Status s) {
    switch (s) {
        case Status::ok:
            return "ok";
        case Status::truncated:
            return "truncated ELF file";
        case Status::bad_magic:
            return "not an ELF file (bad magic)";
        case Status::not_64bit:
            return "not a 64-bit ELF file";
        case Status::not_little_endian:
            return "not a little-endian ELF file";
        case Status::bad_version:
            return "unsupported ELF version";
        case Status::not_x86_64:
            return "not an x86-64 executable";
        case Status::bad_type:
            return "not an executable (relocatable object or core dump)";
        case Status::dynamically_linked:
            return "dynamically linked (has an interpreter or needs shared libraries); build it "
                   "with -static";
        case Status::bad_program_headers:
            return "malformed program header table";
        case Status::bad_segment:
            return "malformed loadable segment (size, file range, address or alignment)";
        case Status::overlapping_segments:
            return "has overlapping loadable segments";
        case Status::writable_executable:
            return "has a writable and executable segment";
        case Status::no_loadable_segments:
            return "has no loadable segments";
        case Status::bad_entry:
            return "entry point is not inside an executable segment";
        case Status::too_many_segments:
            return "has too many loadable segments";
    }
    return "unknown ELF status";
}

Status parse(const uint8_t* data, uint64_t size, Image* out) {
    if (data == nullptr || out == nullptr) return Status::truncated;
    Status s = check_header(data, size);
    if (s != Status::ok) return s;

    uint16_t phentsize = read16(data + kEPhentsize);
    uint16_t phnum = read16(data + kEPhnum);
    uint64_t phoff = read64(data + kEPhoff);
    if (phentsize != kPhentSize || phnum > kMaxPhnum) return Status::bad_program_headers;
    uint64_t table_len = uint64_t{phnum} * kPhentSize;
    s = check_file_range(phoff, table_len, size, Status::bad_program_headers);
    if (s != Status::ok) return s;
    const uint8_t* table = data + phoff;

    // Dynamic linking is reported first: it is the most useful reason for a file that is
    // otherwise a perfectly good program.
    for (uint16_t i = 0; i < phnum; ++i) {
        Phdr h = read_phdr(table + uint64_t{i} * kPhentSize);
        if (h.type == kPtInterp) return Status::dynamically_linked;
        if (h.type == kPtDynamic) {
            s = check_dynamic(data, size, h);
            if (s != Status::ok) return s;
        }
    }

    out->pie = read16(data + kEType) == kEtDyn;
    out->entry = read64(data + kEEntry);
    out->phnum = phnum;
    out->phentsize = phentsize;
    out->exec_stack = false;
    out->tls_memsz = 0;
    out->nsegs = 0;
    out->phdr_vaddr = 0;
    bool have_pt_phdr = false;
    uint64_t pt_phdr = 0;
    for (uint16_t i = 0; i < phnum; ++i) {
        Phdr h = read_phdr(table + uint64_t{i} * kPhentSize);
        if (h.type == kPtLoad) {
            s = add_load(h, size, out->pie, out);
            if (s != Status::ok) return s;
        } else if (h.type == kPtPhdr) {
            have_pt_phdr = true;
            pt_phdr = h.vaddr;
        } else if (h.type == kPtGnuStack) {
            out->exec_stack = (h.flags & kExec) != 0;
        } else if (h.type == kPtTls) {
            out->tls_memsz = h.memsz;
        }
    }
    if (out->nsegs == 0) return Status::no_loadable_segments;
    s = check_overlaps(*out);
    if (s != Status::ok) return s;
    if (!entry_is_executable(*out)) return Status::bad_entry;
    s = find_phdr_vaddr(phoff, table_len, have_pt_phdr, pt_phdr, out);
    if (s != Status::ok) return s;

    uint64_t lo = UINT64_MAX;
    uint64_t hi = 0;
    for (size_t i = 0; i < out->nsegs; ++i) {
        const Segment& seg = out->segs[i];
        if (seg.vaddr < lo) lo = seg.vaddr;
        if (seg.vaddr + seg.memsz > hi) hi = seg.vaddr + seg.memsz;
    }
    out->lo = page_down(lo);
    out->hi = page_up(hi);
    return Status::ok;
}

}  // namespace er::elf
