// WRPKRU/XRSTOR gadget scanner (contract in gadget_scanner.hpp, rules in docs/mpk.md).
//
// Freestanding like elf/elf.cpp: no libc calls (not even memcpy), no allocation.
#include "mpk/gadget_scanner.hpp"

namespace er::mpk {
namespace {

constexpr uint8_t kEscape = 0x0F;  // every gadget starts with the two-byte opcode escape
constexpr uint64_t kPageSize = elf::kPageSize;

uint64_t page_down(uint64_t v) {
    return v & ~(kPageSize - 1);
}
// No overflow: the parser keeps every segment below elf::kMaxUserVaddr.
uint64_t page_up(uint64_t v) {
    return (v + kPageSize - 1) & ~(kPageSize - 1);
}

// REX with W set: 0100 1xxx.  Only the byte right before the opcode can be a REX prefix.
bool is_rex_w(uint8_t b) {
    return (b & 0xF8) == 0x48;
}

// ModRM names a memory operand (mod != 11) and its reg field is the opcode extension `ext`.
bool memory_form(uint8_t modrm, unsigned ext) {
    return (modrm >> 6) != 3 && ((modrm >> 3) & 7) == ext;
}

// Whether 0F b1 b2, with `before` the byte in front of the 0F (0 when there is none), starts a
// gadget.  Prefixes other than REX.W only change the label, never the verdict: a jump can land
// on the 0F itself and skip them, so any bytes in front are irrelevant to the finding.
bool classify(uint8_t b1, uint8_t b2, uint8_t before, GadgetKind* kind) {
    if (b1 == 0x01 && b2 == 0xEF) {
        *kind = GadgetKind::wrpkru;
        return true;
    }
    // 0F AE /5 with mod = 11 is LFENCE (E8-EF), which loads nothing.
    if (b1 == 0xAE && memory_form(b2, 5)) {
        *kind = is_rex_w(before) ? GadgetKind::xrstor64 : GadgetKind::xrstor;
        return true;
    }
    // 0F C7 /3 with mod = 11 is undefined (#UD).
    if (b1 == 0xC7 && memory_form(b2, 3)) {
        *kind = is_rex_w(before) ? GadgetKind::xrstors64 : GadgetKind::xrstors;
        return true;
    }
    return false;
}

uint64_t offset_plus(uint64_t file_offset, uint64_t i) {
    return file_offset == kNoFileOffset ? kNoFileOffset : file_offset + i;
}

}  // namespace

const char* describe(GadgetKind kind) {
    switch (kind) {
        case GadgetKind::wrpkru:
            return "WRPKRU";
        case GadgetKind::xrstor:
            return "XRSTOR";
        case GadgetKind::xrstor64:
            return "XRSTOR64";
        case GadgetKind::xrstors:
            return "XRSTORS";
        case GadgetKind::xrstors64:
            return "XRSTORS64";
    }
    return "unknown gadget";
}

void Scanner::begin_run(uint64_t vaddr) {
    nhist_ = 0;
    next_vaddr_ = vaddr;
}

void Scanner::emit(GadgetKind kind, uint64_t vaddr, uint64_t file_offset, bool outside) {
    if (total_ < capacity_) {
        Finding& f = out_[total_];
        f.offset = file_offset;
        f.vaddr = vaddr;
        f.kind = kind;
        f.outside_exec_segment = outside;
    }
    ++total_;
}

// One byte through the history: checks the gadget that would END at this byte (it started two
// bytes earlier, possibly in an earlier feed), then shifts it in.
void Scanner::push_slow(uint8_t value, uint64_t file_offset) {
    GadgetKind kind;
    if (nhist_ >= 2 && hist_[1].value == kEscape) {
        uint8_t before = nhist_ == 3 ? hist_[0].value : 0;
        if (classify(hist_[2].value, value, before, &kind))
            emit(kind, next_vaddr_ - 2, hist_[1].offset, hist_[1].outside);
    }
    hist_[0] = hist_[1];
    hist_[1] = hist_[2];
    hist_[2].value = value;
    hist_[2].outside = outside_;
    hist_[2].offset = file_offset;
    if (nhist_ < 3) ++nhist_;
    ++next_vaddr_;
    if (file_offset != kNoFileOffset) ++bytes_;
}

void Scanner::feed(const uint8_t* data, uint64_t n, uint64_t file_offset) {
    if (n == 0) return;
    uint8_t before_first = nhist_ > 0 ? hist_[2].value : 0;
    uint64_t base = next_vaddr_;
    // Gadgets that started in earlier feeds end within the first two bytes.
    uint64_t head = n < 2 ? n : 2;
    for (uint64_t i = 0; i < head; ++i) push_slow(data[i], offset_plus(file_offset, i));
    if (n < 3) return;

    // Gadgets that start here: every offset, no alignment assumed.
    GadgetKind kind;
    for (uint64_t i = 0; i + 2 < n; ++i) {
        if (data[i] != kEscape) continue;
        uint8_t before = i > 0 ? data[i - 1] : before_first;
        if (classify(data[i + 1], data[i + 2], before, &kind))
            emit(kind, base + i, offset_plus(file_offset, i), outside_);
    }
    for (unsigned k = 0; k < 3; ++k) {
        uint64_t i = n - 3 + k;
        hist_[k].value = data[i];
        hist_[k].outside = outside_;
        hist_[k].offset = offset_plus(file_offset, i);
    }
    nhist_ = 3;
    next_vaddr_ = base + n;
    if (file_offset != kNoFileOffset) bytes_ += n - head;
}

void Scanner::feed_zeros(uint64_t n) {
    // No gadget has a 00 in it, but the history must show the zeros (the byte before a later 0F
    // decides XRSTOR vs XRSTOR64).  After three the history is all zeros and more change nothing,
    // so a huge zero fill costs O(1).
    uint64_t slow = n < 3 ? n : 3;
    for (uint64_t i = 0; i < slow; ++i) push_slow(0, kNoFileOffset);
    next_vaddr_ += n - slow;
}

ScanResult Scanner::result() const {
    ScanResult r;
    r.total = total_;
    r.count = total_ < capacity_ ? total_ : capacity_;
    r.truncated = total_ > capacity_;
    r.bytes = bytes_;
    r.status = elf::Status::ok;
    return r;
}

ScanResult scan_bytes(const uint8_t* data, uint64_t size, uint64_t base, Finding* out,
                      size_t capacity) {
    Scanner s(out, capacity);
    s.begin_run(base);
    s.feed(data, size, 0);
    return s.result();
}

ScanResult scan_image(const elf::Image& img, const uint8_t* data, uint64_t size, Finding* out,
                      size_t capacity) {
    Scanner s(out, capacity);
    ScanResult bad = s.result();
    bad.status = elf::Status::bad_segment;

    // Runs of executable pages: each PF_X segment's pages, sorted and merged where they touch,
    // the same rule as the loader's page rights (union over the segments on a page).
    uint64_t run_lo[elf::kMaxSegments];
    uint64_t run_hi[elf::kMaxSegments];
    size_t nruns = 0;
    for (size_t i = 0; i < img.nsegs && i < elf::kMaxSegments; ++i) {
        const elf::Segment& seg = img.segs[i];
        if (!(seg.flags & elf::kExec) || seg.memsz == 0) continue;
        uint64_t lo = page_down(seg.vaddr);
        uint64_t hi = page_up(seg.vaddr + seg.memsz);
        size_t j = nruns++;
        for (; j > 0 && run_lo[j - 1] > lo; --j) {  // insertion sort by start
            run_lo[j] = run_lo[j - 1];
            run_hi[j] = run_hi[j - 1];
        }
        run_lo[j] = lo;
        run_hi[j] = hi;
    }
    size_t merged = 0;
    for (size_t i = 0; i < nruns; ++i) {
        if (merged > 0 && run_lo[i] <= run_hi[merged - 1]) {
            if (run_hi[i] > run_hi[merged - 1]) run_hi[merged - 1] = run_hi[i];
        } else {
            run_lo[merged] = run_lo[i];
            run_hi[merged] = run_hi[i];
            ++merged;
        }
    }

    // Every segment with file bytes, in address order: a non-executable one may share a page
    // with code, and the loader copies its bytes into that (executable) page.
    size_t order[elf::kMaxSegments];
    size_t nfile = 0;
    for (size_t i = 0; i < img.nsegs && i < elf::kMaxSegments; ++i) {
        const elf::Segment& seg = img.segs[i];
        if (seg.filesz == 0) continue;
        // The parser checked this; a scanner that reads outside the file would be worse than none.
        if (seg.offset > size || seg.filesz > size - seg.offset) return bad;
        size_t j = nfile++;
        for (; j > 0 && img.segs[order[j - 1]].vaddr > seg.vaddr; --j) order[j] = order[j - 1];
        order[j] = i;
    }

    for (size_t r = 0; r < merged; ++r) {
        uint64_t lo = run_lo[r], hi = run_hi[r];
        uint64_t cursor = lo;
        s.begin_run(lo);
        for (size_t k = 0; k < nfile; ++k) {
            const elf::Segment& seg = img.segs[order[k]];
            uint64_t a = seg.vaddr > cursor ? seg.vaddr : cursor;
            uint64_t seg_end = seg.vaddr + seg.filesz;
            uint64_t b = seg_end < hi ? seg_end : hi;
            if (a >= b) continue;
            if (a > cursor) s.feed_zeros(a - cursor);
            s.set_outside_exec_segment(!(seg.flags & elf::kExec));
            uint64_t off = seg.offset + (a - seg.vaddr);
            s.feed(data + off, b - a, off);
            cursor = b;
        }
        if (cursor < hi) s.feed_zeros(hi - cursor);
    }
    return s.result();
}

ScanResult scan_elf(const uint8_t* data, uint64_t size, Finding* out, size_t capacity) {
    elf::Image img;
    elf::Status status = elf::parse(data, size, &img);
    if (status != elf::Status::ok) {
        Scanner empty(out, capacity);
        ScanResult r = empty.result();
        r.status = status;
        return r;
    }
    return scan_image(img, data, size, out, capacity);
}

}  // namespace er::mpk
