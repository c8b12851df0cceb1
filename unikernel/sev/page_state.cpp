// Validated-frame bookkeeping, the PSC request encoding and PVALIDATE (see the header for the
// rules and their sources).
#include "sev/page_state.hpp"

#include "lib/string.hpp"

namespace uk::sev {
namespace {

// Bits set in x, without __builtin_popcount (which becomes a libgcc call the kernel does not
// link when the CPU baseline has no POPCNT).
uint64_t popcount64(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555);
    x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0F;
    return (x * 0x0101010101010101) >> 56;
}

}  // namespace

ValidatedPages::ValidatedPages(uint64_t* bits, uint64_t frame_count)
    : bits_(bits), frames_(frame_count) {
    memset(bits_, 0, validated_bitmap_words(frame_count) * sizeof(uint64_t));
}

bool ValidatedPages::in_range(uint64_t gfn, uint64_t count) const {
    return count != 0 && gfn < frames_ && count <= frames_ - gfn;
}

void ValidatedPages::put(uint64_t gfn, bool v) {
    uint64_t mask = uint64_t{1} << (gfn % 64);
    if (v)
        bits_[gfn / 64] |= mask;
    else
        bits_[gfn / 64] &= ~mask;
}

ValidatedPages::Result ValidatedPages::mark_range_validated(uint64_t gfn, uint64_t count) {
    if (!in_range(gfn, count)) return Result::kOutOfRange;
    for (uint64_t i = 0; i < count; ++i)
        if (bit(gfn + i)) return Result::kAlreadyValidated;
    for (uint64_t i = 0; i < count; ++i) put(gfn + i, true);
    return Result::kOk;
}

ValidatedPages::Result ValidatedPages::mark_range_invalidated(uint64_t gfn, uint64_t count) {
    if (!in_range(gfn, count)) return Result::kOutOfRange;
    for (uint64_t i = 0; i < count; ++i)
        if (!bit(gfn + i)) return Result::kNotValidated;
    for (uint64_t i = 0; i < count; ++i) put(gfn + i, false);
    return Result::kOk;
}

bool ValidatedPages::is_validated(uint64_t gfn) const {
    return gfn < frames_ && bit(gfn);
}

uint64_t ValidatedPages::validated_count() const {
    uint64_t n = 0;
    for (size_t w = 0; w < validated_bitmap_words(frames_); ++w)
        n += popcount64(bits_[w]);
    return n;
}

uint64_t encode_psc(uint8_t* buf, size_t buf_size, uint64_t gfn, uint64_t count, ghcb::PageOp op,
                    bool allow_2m) {
    if (count == 0 || buf_size < kPscHeaderSize + kPscEntrySize) return 0;
    size_t max_entries = (buf_size - kPscHeaderSize) / kPscEntrySize;
    if (max_entries > kPscMaxEntries) max_entries = kPscMaxEntries;

    uint64_t covered = 0;
    size_t n = 0;
    for (; covered < count && n < max_entries; ++n) {
        uint64_t g = gfn + covered;
        bool huge = allow_2m && g % kFramesPer2M == 0 && count - covered >= kFramesPer2M;
        uint64_t e = psc_entry(g, op, huge);
        memcpy(buf + kPscHeaderSize + n * kPscEntrySize, &e, sizeof e);
        covered += huge ? kFramesPer2M : 1;
    }
    uint16_t cur = 0, end = static_cast<uint16_t>(n - 1);
    uint32_t reserved = 0;
    memcpy(buf, &cur, 2);
    memcpy(buf + 2, &end, 2);
    memcpy(buf + 4, &reserved, 4);
    return covered;
}

PscProgress psc_progress(const uint8_t* buf, uint16_t end_entry, uint16_t previous_cur_entry) {
    uint16_t cur, end;
    uint32_t reserved;
    memcpy(&cur, buf, 2);
    memcpy(&end, buf + 2, 2);
    memcpy(&reserved, buf + 4, 4);
    // What Linux checks too (vmgexit_psc): the hypervisor may not move the end, go backwards or
    // set the reserved field.
    if (end != end_entry || cur < previous_cur_entry || reserved != 0) return PscProgress::kBogus;
    return cur > end ? PscProgress::kDone : PscProgress::kMore;
}

PvalidateResult pvalidate(uint64_t va, bool page_2m, bool validate) {
    uint64_t rax = va;
    bool no_change;
    // PVALIDATE is F2 0F 01 FF; spelled as bytes for assemblers that do not know it.
    __asm__ volatile(".byte 0xF2, 0x0F, 0x01, 0xFF"
                     : "+a"(rax), "=@ccc"(no_change)
                     : "c"(uint32_t{page_2m}), "d"(uint32_t{validate})
                     : "memory");
    return {static_cast<uint32_t>(rax), no_change};
}

}  // namespace uk::sev
