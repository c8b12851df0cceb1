// SNP page-state bookkeeping (unikernel/sev/page_state.cpp): a frame is validated at most once
// until invalidated (the double-validation rule), ranges are all-or-nothing, and the GHCB PSC
// request encodes header and entries as the GHCB spec (56421) lays them out.  PVALIDATE itself
// only runs in an SNP guest and is not called here.
#include "sev/page_state.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace {

using uk::sev::PscProgress;
using uk::sev::ValidatedPages;
using uk::sev::ghcb::PageOp;
using R = ValidatedPages::Result;

TEST(ValidatedPages, BitmapSize) {
    EXPECT_EQ(uk::sev::validated_bitmap_words(0), 0u);
    EXPECT_EQ(uk::sev::validated_bitmap_words(1), 1u);
    EXPECT_EQ(uk::sev::validated_bitmap_words(64), 1u);
    EXPECT_EQ(uk::sev::validated_bitmap_words(65), 2u);
    EXPECT_EQ(uk::sev::validated_bitmap_words(262144), 4096u);  // 1 GiB of 4 KiB frames
}

TEST(ValidatedPages, StartsEmptyOverDirtyStorage) {
    std::vector<uint64_t> bits(2, ~uint64_t{0});
    ValidatedPages v(bits.data(), 100);
    EXPECT_EQ(v.validated_count(), 0u);
    for (uint64_t g = 0; g < 100; ++g) EXPECT_FALSE(v.is_validated(g));
}

TEST(ValidatedPages, SecondValidationIsRefused) {
    std::vector<uint64_t> bits(2);
    ValidatedPages v(bits.data(), 100);
    EXPECT_EQ(v.mark_validated(63), R::kOk);
    EXPECT_TRUE(v.is_validated(63));
    EXPECT_FALSE(v.is_validated(62));
    EXPECT_FALSE(v.is_validated(64));
    EXPECT_EQ(v.mark_validated(63), R::kAlreadyValidated);
    // After invalidation (the page went shared) it may be validated again, once.
    EXPECT_EQ(v.mark_invalidated(63), R::kOk);
    EXPECT_FALSE(v.is_validated(63));
    EXPECT_EQ(v.mark_invalidated(63), R::kNotValidated);
    EXPECT_EQ(v.mark_validated(63), R::kOk);
    EXPECT_EQ(v.mark_validated(63), R::kAlreadyValidated);
    EXPECT_EQ(v.validated_count(), 1u);
}

TEST(ValidatedPages, RangesAreAllOrNothing) {
    std::vector<uint64_t> bits(4);
    ValidatedPages v(bits.data(), 200);
    EXPECT_EQ(v.mark_range_validated(10, 100), R::kOk);  // crosses two word boundaries
    EXPECT_EQ(v.validated_count(), 100u);
    EXPECT_FALSE(v.is_validated(9));
    EXPECT_TRUE(v.is_validated(10));
    EXPECT_TRUE(v.is_validated(109));
    EXPECT_FALSE(v.is_validated(110));
    // Overlapping the validated run by one frame at either end: refused, nothing changes.
    EXPECT_EQ(v.mark_range_validated(0, 11), R::kAlreadyValidated);
    EXPECT_EQ(v.mark_range_validated(109, 20), R::kAlreadyValidated);
    EXPECT_EQ(v.validated_count(), 100u);
    EXPECT_FALSE(v.is_validated(0));
    EXPECT_FALSE(v.is_validated(110));
    // Invalidating a range with one frame not validated: refused, nothing changes.
    EXPECT_EQ(v.mark_range_invalidated(100, 11), R::kNotValidated);
    EXPECT_EQ(v.validated_count(), 100u);
    EXPECT_EQ(v.mark_range_invalidated(100, 10), R::kOk);
    EXPECT_EQ(v.validated_count(), 90u);
    EXPECT_EQ(v.mark_range_validated(100, 100), R::kOk);  // exactly to the end
    EXPECT_EQ(v.validated_count(), 190u);
}

TEST(ValidatedPages, OutOfRangeAndOverflow) {
    std::vector<uint64_t> bits(2);
    ValidatedPages v(bits.data(), 100);
    EXPECT_EQ(v.mark_validated(100), R::kOutOfRange);
    EXPECT_EQ(v.mark_range_validated(99, 2), R::kOutOfRange);
    EXPECT_EQ(v.mark_range_validated(5, 0), R::kOutOfRange);
    EXPECT_EQ(v.mark_range_validated(1, ~uint64_t{0}), R::kOutOfRange);  // gfn + count wraps
    EXPECT_EQ(v.mark_range_validated(~uint64_t{0}, 2), R::kOutOfRange);
    EXPECT_EQ(v.validated_count(), 0u);
    EXPECT_FALSE(v.is_validated(1000));
    // The storage past the frame count is never written.
    EXPECT_EQ(v.mark_range_validated(0, 100), R::kOk);
    EXPECT_EQ(bits[1] >> 36, 0u);
}

// ---- PSC encoding ----

struct Psc {
    uint16_t cur, end;
    uint32_t reserved;
    std::vector<uint64_t> entries;
};

Psc read_psc(const std::vector<uint8_t>& buf) {
    Psc p;
    std::memcpy(&p.cur, buf.data(), 2);
    std::memcpy(&p.end, buf.data() + 2, 2);
    std::memcpy(&p.reserved, buf.data() + 4, 4);
    for (size_t i = 0; i <= p.end; ++i) {
        uint64_t e;
        std::memcpy(&e, buf.data() + 8 + 8 * i, 8);
        p.entries.push_back(e);
    }
    return p;
}

TEST(PscEncoding, EntryBits) {
    // GFN in 51:12, operation in 55:52, page size in bit 56, cur_page 0.
    EXPECT_EQ(uk::sev::psc_entry(0x12345, PageOp::kPrivate, false), 0x0010000012345000u);
    EXPECT_EQ(uk::sev::psc_entry(0x12345, PageOp::kShared, false), 0x0020000012345000u);
    EXPECT_EQ(uk::sev::psc_entry(0x200, PageOp::kShared, true), 0x0120000000200000u);
    EXPECT_EQ(uk::sev::psc_entry(0xFFFFFFFFFF, PageOp::kPrivate, false), 0x001FFFFFFFFFF000u);
}

TEST(PscEncoding, SmallRangeOfFourKiBPages) {
    std::vector<uint8_t> buf(uk::sev::ghcb::kSharedBufferSize, 0xEE);
    EXPECT_EQ(uk::sev::encode_psc(buf.data(), buf.size(), 0x100, 3, PageOp::kShared, true), 3u);
    Psc p = read_psc(buf);
    EXPECT_EQ(p.cur, 0);
    EXPECT_EQ(p.end, 2);  // index of the last entry
    EXPECT_EQ(p.reserved, 0u);
    ASSERT_EQ(p.entries.size(), 3u);
    EXPECT_EQ(p.entries[0], 0x0020000000100000u);
    EXPECT_EQ(p.entries[1], 0x0020000000101000u);
    EXPECT_EQ(p.entries[2], 0x0020000000102000u);
}

TEST(PscEncoding, TwoMiBEntriesForAlignedRuns) {
    std::vector<uint8_t> buf(uk::sev::ghcb::kSharedBufferSize, 0);
    // 0x1FE..0x1FF (4 KiB), 0x200..0x3FF (one 2 MiB), 0x400..0x401 (4 KiB).
    EXPECT_EQ(uk::sev::encode_psc(buf.data(), buf.size(), 0x1FE, 516, PageOp::kPrivate, true),
              516u);
    Psc p = read_psc(buf);
    ASSERT_EQ(p.entries.size(), 5u);
    EXPECT_EQ(p.entries[0], 0x00100000001FE000u);
    EXPECT_EQ(p.entries[1], 0x00100000001FF000u);
    EXPECT_EQ(p.entries[2], 0x0110000000200000u);
    EXPECT_EQ(p.entries[3], 0x0010000000400000u);
    EXPECT_EQ(p.entries[4], 0x0010000000401000u);
    // Without allow_2m the same range needs 516 entries: 253 fit.
    EXPECT_EQ(uk::sev::encode_psc(buf.data(), buf.size(), 0x1FE, 516, PageOp::kPrivate, false),
              253u);
    p = read_psc(buf);
    EXPECT_EQ(p.end, 252);
    EXPECT_EQ(p.entries[252], 0x00100000001FE000u + (uint64_t{252} << 12));
    // An aligned run shorter than 512 frames stays 4 KiB.
    EXPECT_EQ(uk::sev::encode_psc(buf.data(), buf.size(), 0x200, 511, PageOp::kPrivate, true),
              253u);
    EXPECT_EQ(read_psc(buf).entries[0], 0x0010000000200000u);
}

TEST(PscEncoding, FullBufferAndLimits) {
    std::vector<uint8_t> buf(uk::sev::ghcb::kSharedBufferSize + 64, 0xEE);
    // 253 entries, never more, even in a larger buffer; the byte after the last entry untouched.
    EXPECT_EQ(uk::sev::encode_psc(buf.data(), buf.size(), 0, 1000, PageOp::kShared, false), 253u);
    EXPECT_EQ(read_psc(buf).end, 252);
    EXPECT_EQ(buf[8 + 253 * 8], 0xEE);
    // 253 2 MiB entries cover 253 * 512 frames.
    EXPECT_EQ(uk::sev::encode_psc(buf.data(), buf.size(), 0, 1u << 20, PageOp::kShared, true),
              253u * 512u);
    // A buffer for two entries, a buffer too small for one, and an empty range.
    EXPECT_EQ(uk::sev::encode_psc(buf.data(), 24, 7, 10, PageOp::kShared, false), 2u);
    EXPECT_EQ(read_psc(buf).end, 1);
    EXPECT_EQ(uk::sev::encode_psc(buf.data(), 15, 7, 10, PageOp::kShared, false), 0u);
    EXPECT_EQ(uk::sev::encode_psc(buf.data(), buf.size(), 7, 0, PageOp::kShared, false), 0u);
}

TEST(PscEncoding, ProgressChecksTheHypervisorsAnswer) {
    std::vector<uint8_t> buf(uk::sev::ghcb::kSharedBufferSize, 0);
    uk::sev::encode_psc(buf.data(), buf.size(), 0, 10, PageOp::kShared, false);
    auto set = [&](uint16_t cur, uint16_t end, uint32_t reserved) {
        std::memcpy(buf.data(), &cur, 2);
        std::memcpy(buf.data() + 2, &end, 2);
        std::memcpy(buf.data() + 4, &reserved, 4);
    };
    EXPECT_EQ(uk::sev::psc_progress(buf.data(), 9, 0), PscProgress::kMore);  // untouched
    set(5, 9, 0);
    EXPECT_EQ(uk::sev::psc_progress(buf.data(), 9, 0), PscProgress::kMore);
    set(10, 9, 0);
    EXPECT_EQ(uk::sev::psc_progress(buf.data(), 9, 5), PscProgress::kDone);
    set(4, 9, 0);  // backwards
    EXPECT_EQ(uk::sev::psc_progress(buf.data(), 9, 5), PscProgress::kBogus);
    set(10, 8, 0);  // end moved
    EXPECT_EQ(uk::sev::psc_progress(buf.data(), 9, 5), PscProgress::kBogus);
    set(10, 9, 1);  // reserved set
    EXPECT_EQ(uk::sev::psc_progress(buf.data(), 9, 5), PscProgress::kBogus);
}

}  // namespace
