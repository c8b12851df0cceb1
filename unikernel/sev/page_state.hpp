// SNP page state: which guest frames this guest has validated, the GHCB page-state-change (PSC)
// request that asks the hypervisor to make frames private or shared, and PVALIDATE.
//
// Under SNP every private page must be validated by the guest (PVALIDATE) before use; the
// hypervisor assigns pages (RMPUPDATE) but cannot validate them.  That split is what stops it from
// remapping a guest physical address to another page behind the guest's back: a remapped page
// comes up unvalidated and the guest's next access faults (#VC).  It works only if the guest
// validates each GPA exactly once: a hypervisor that can get a guest to validate the same GPA
// again (say, after swapping the page under it) can substitute contents, so the guest keeps its
// own record and refuses a second validation of a frame it has not invalidated in between (the
// "double validation" problem: SNP firmware ABI 56860 and the GHCB spec 56421 note that the guest
// must track validated pages; APM vol 2 §15.36, "SEV-SNP", page validation).
//
// The record is a bitmap over frames in storage the caller provides (no allocation).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "sev/ghcb.hpp"

namespace uk::sev {

constexpr uint64_t kFramesPer2M = 512;

// uint64_t words a ValidatedPages over frame_count frames needs.
constexpr size_t validated_bitmap_words(uint64_t frame_count) {
    return static_cast<size_t>((frame_count + 63) / 64);
}

class ValidatedPages {
  public:
    enum class Result { kOk, kOutOfRange, kAlreadyValidated, kNotValidated };

    // bits: validated_bitmap_words(frame_count) words, cleared here (nothing validated yet).
    ValidatedPages(uint64_t* bits, uint64_t frame_count);

    // A frame (or every frame of a range) becomes validated.  All-or-nothing: a range with one
    // frame out of range or already validated changes nothing and says why.
    Result mark_validated(uint64_t gfn) { return mark_range_validated(gfn, 1); }
    Result mark_range_validated(uint64_t gfn, uint64_t count);

    // The frames were invalidated (made shared): they may be validated again later.  All frames
    // must be validated now; else nothing changes.
    Result mark_invalidated(uint64_t gfn) { return mark_range_invalidated(gfn, 1); }
    Result mark_range_invalidated(uint64_t gfn, uint64_t count);

    bool is_validated(uint64_t gfn) const;
    uint64_t validated_count() const;
    uint64_t frame_count() const { return frames_; }

  private:
    bool in_range(uint64_t gfn, uint64_t count) const;
    bool bit(uint64_t gfn) const { return (bits_[gfn / 64] >> (gfn % 64)) & 1; }
    void put(uint64_t gfn, bool v);

    uint64_t* bits_;
    uint64_t frames_;
};

// ---- the PSC request in the GHCB shared buffer (56421 §4.1, "SNP Page State Change") ----
// Header: u16 cur_entry, u16 end_entry (index of the last entry), u32 reserved.  Entries, 8 bytes
// each: [11:0] cur_page (0), [51:12] GFN, [55:52] operation (1 private, 2 shared), [56] page
// size (0: 4 KiB, 1: 2 MiB), [63:57] reserved.  The NAE event is SW_EXITCODE 0x8000_0010 with
// SW_SCRATCH = the buffer's GPA.
constexpr size_t kPscHeaderSize = 8;
constexpr size_t kPscEntrySize = 8;
constexpr size_t kPscMaxEntries = (ghcb::kSharedBufferSize - kPscHeaderSize) / kPscEntrySize;
static_assert(kPscMaxEntries == 253, "56421: at most 253 entries fit the shared buffer");

constexpr uint64_t psc_entry(uint64_t gfn, ghcb::PageOp op, bool page_2m) {
    return ((gfn & ghcb::kGfnMask) << 12) | (static_cast<uint64_t>(op) << 52) |
           (uint64_t{page_2m} << 56);
}

// Writes a PSC request for the frames [gfn, gfn + count) into buf (buf_size bytes, normally the
// shared buffer), as many entries as fit; with allow_2m, 2 MiB-aligned runs of 512 frames take
// one 2 MiB entry.  Returns how many frames the request covers (the caller sends it and repeats
// from gfn + that number); 0 when count is 0 or buf cannot hold one entry.
uint64_t encode_psc(uint8_t* buf, size_t buf_size, uint64_t gfn, uint64_t count, ghcb::PageOp op,
                    bool allow_2m);

// After the hypervisor processed the request: its header must still name the same last entry,
// and its cur_entry may only have moved forward.  kDone when cur_entry > end_entry.
enum class PscProgress { kDone, kMore, kBogus };
PscProgress psc_progress(const uint8_t* buf, uint16_t end_entry, uint16_t previous_cur_entry);

// ---- PVALIDATE (APM vol 3, "PVALIDATE"; APM vol 2 §15.36, "SEV-SNP") ----
// RAX = the page's virtual address, ECX = page size (0: 4 KiB, 1: 2 MiB), EDX = 1 validate /
// 0 rescind.  Result in EAX; CF = 1 when the RMP entry already had that validated state
// ("no change": for a validate, a sign the page was validated before).
constexpr uint32_t kPvalidateOk = 0;
constexpr uint32_t kPvalidateFailInput = 1;
constexpr uint32_t kPvalidateFailSizeMismatch = 6;

struct PvalidateResult {
    uint32_t status;
    bool no_change;
};

// Executes PVALIDATE: only in an SNP guest at CPL 0 (anywhere else it faults).  Not called by
// the host tests.
PvalidateResult pvalidate(uint64_t va, bool page_2m, bool validate);

}  // namespace uk::sev
