// The parser against synthetic images: a known-good file with one deliberate defect each, so every
// refusal is tied to exactly one rule of the contract in elf/elf.hpp.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "elf_image_builder.hpp"
#include "elf_test_support.hpp"

namespace er::elf::test {
namespace {

Status parse_built(const ImageBuilder& b, int phnum_override = -1) {
    return parse_all(b.bytes(phnum_override));
}

TEST(ElfValid, ClassicStaticExecutable) {
    Image img;
    ASSERT_EQ(parse_all(ImageBuilder::valid_exec().bytes(), &img), Status::ok);
    EXPECT_FALSE(img.pie);
    EXPECT_EQ(img.entry, 0x401010u);
    EXPECT_EQ(img.phdr_vaddr, 0x400040u);  // no PT_PHDR: the R segment maps file offset 64
    EXPECT_EQ(img.phnum, 4);
    EXPECT_EQ(img.phentsize, 56);
    EXPECT_EQ(img.lo, 0x400000u);
    EXPECT_EQ(img.hi, 0x405000u);
    EXPECT_FALSE(img.exec_stack);
    EXPECT_EQ(img.tls_memsz, 0u);
    ASSERT_EQ(img.nsegs, 3u);
    EXPECT_EQ(img.segs[1].vaddr, 0x401000u);
    EXPECT_EQ(img.segs[1].flags, unsigned{kRead | kExec});
    EXPECT_EQ(img.segs[2].filesz, 0x800u);
    EXPECT_EQ(img.segs[2].memsz, 0x3000u);
}

TEST(ElfValid, StaticPieWithDynamicButNoNeeded) {
    Image img;
    ASSERT_EQ(parse_all(ImageBuilder::valid_pie().bytes(), &img), Status::ok);
    EXPECT_TRUE(img.pie);
    EXPECT_EQ(img.entry, 0x1010u);
    EXPECT_EQ(img.phdr_vaddr, 0x40u);
    EXPECT_EQ(img.lo, 0u);
    EXPECT_EQ(img.hi, 0x5000u);
}

TEST(ElfValid, PtPhdrGivesPhdrAddress) {
    auto b = ImageBuilder::valid_exec();
    auto ph = ImageBuilder::other(PT_PHDR);
    ph.p_offset = 64;
    ph.p_vaddr = 0x400040;
    ph.p_filesz = ph.p_memsz = 5 * sizeof(Elf64_Phdr);
    b.phdrs.insert(b.phdrs.begin(), ph);
    Image img;
    ASSERT_EQ(parse_built(b), Status::ok);
    ASSERT_EQ(parse_all(b.bytes(), &img), Status::ok);
    EXPECT_EQ(img.phdr_vaddr, 0x400040u);
    EXPECT_EQ(img.phnum, 5);
}

TEST(ElfValid, ExecutableStackAndTlsAreReported) {
    auto b = ImageBuilder::valid_exec();
    b.first(PT_GNU_STACK).p_flags = PF_R | PF_W | PF_X;
    auto tls = ImageBuilder::other(PT_TLS);
    tls.p_offset = 0x2000;
    tls.p_vaddr = 0x402000;
    tls.p_filesz = 0x10;
    tls.p_memsz = 0x48;
    b.phdrs.push_back(tls);
    Image img;
    ASSERT_EQ(parse_all(b.bytes(), &img), Status::ok);
    EXPECT_TRUE(img.exec_stack);
    EXPECT_EQ(img.tls_memsz, 0x48u);
}

// ---- Truncation -------------------------------------------------------------------------------

TEST(ElfTruncated, EveryLengthUpToTheEndOfTheProgramHeaders) {
    for (auto b : {ImageBuilder::valid_exec(), ImageBuilder::valid_pie()}) {
        auto f = b.bytes();
        size_t table_end = 64 + b.phdrs.size() * sizeof(Elf64_Phdr);
        for (size_t len = 0; len < table_end; ++len) {
            Image img;
            ASSERT_EQ(parse_prefix(f, len, &img), Status::truncated) << "length " << len;
        }
    }
}

TEST(ElfTruncated, AtEverySegmentBoundary) {
    auto b = ImageBuilder::valid_pie();
    auto f = b.bytes();
    for (const auto& p : b.phdrs) {
        if (p.p_filesz == 0) continue;
        for (uint64_t cut : {p.p_offset, p.p_offset + 1, p.p_offset + p.p_filesz - 1}) {
            if (cut < 64 + b.phdrs.size() * sizeof(Elf64_Phdr)) continue;  // covered above
            Image img;
            EXPECT_EQ(parse_prefix(f, cut, &img), Status::truncated)
                << "type " << p.p_type << " cut at " << cut;
        }
    }
    Image img;
    EXPECT_EQ(parse_prefix(f, f.size(), &img), Status::ok);
}

TEST(ElfTruncated, NullDataIsRefused) {
    Image img;
    EXPECT_EQ(parse(nullptr, 100, &img), Status::truncated);
}

// ---- ELF header -------------------------------------------------------------------------------

TEST(ElfHeader, BadMagicInEachByte) {
    for (size_t i = 0; i < 4; ++i) {
        auto f = ImageBuilder::valid_exec().bytes();
        f[i] ^= 0x20;
        EXPECT_EQ(parse_all(f), Status::bad_magic) << "byte " << i;
    }
    EXPECT_EQ(parse_all(std::vector<uint8_t>{'#', '!'}), Status::bad_magic);  // short script
}

TEST(ElfHeader, IdentificationBytes) {
    struct Case {
        size_t index;
        uint8_t value;
        Status want;
    };
    for (Case c :
         {Case{EI_CLASS, ELFCLASS32, Status::not_64bit},
          Case{EI_CLASS, ELFCLASSNONE, Status::not_64bit},
          Case{EI_DATA, ELFDATA2MSB, Status::not_little_endian},
          Case{EI_DATA, ELFDATANONE, Status::not_little_endian},
          Case{EI_VERSION, 0, Status::bad_version}, Case{EI_VERSION, 2, Status::bad_version}}) {
        auto f = ImageBuilder::valid_exec().bytes();
        f[c.index] = c.value;
        EXPECT_EQ(parse_all(f), c.want) << "e_ident[" << c.index << "] = " << int{c.value};
    }
}

TEST(ElfHeader, ShortThirtyTwoBitFileSaysSoRatherThanTruncated) {
    auto f = ImageBuilder::valid_exec().bytes();
    f[EI_CLASS] = ELFCLASS32;
    f.resize(52);  // sizeof(Elf32_Ehdr)
    EXPECT_EQ(parse_all(f), Status::not_64bit);
}

TEST(ElfHeader, ElfVersionField) {
    auto b = ImageBuilder::valid_exec();
    b.ehdr.e_version = 2;
    EXPECT_EQ(parse_built(b), Status::bad_version);
}

TEST(ElfHeader, WrongMachine) {
    for (uint16_t m : {EM_386, EM_AARCH64, EM_NONE, EM_RISCV}) {
        auto b = ImageBuilder::valid_exec();
        b.ehdr.e_machine = m;
        EXPECT_EQ(parse_built(b), Status::not_x86_64) << "machine " << m;
    }
}

TEST(ElfHeader, NotAnExecutableType) {
    for (int t : {ET_NONE, ET_REL, ET_CORE, 0xfe00}) {
        auto b = ImageBuilder::valid_exec();
        b.ehdr.e_type = static_cast<uint16_t>(t);
        EXPECT_EQ(parse_built(b), Status::bad_type) << "type " << t;
    }
}

// ---- Program header table ---------------------------------------------------------------------

TEST(ElfProgramHeaders, WrongEntrySize) {
    for (uint16_t size : {0, 32, 55, 57, 64}) {
        auto b = ImageBuilder::valid_exec();
        b.ehdr.e_phentsize = size;
        EXPECT_EQ(parse_built(b), Status::bad_program_headers) << "phentsize " << size;
    }
}

TEST(ElfProgramHeaders, TableBeyondTheFile) {
    auto b = ImageBuilder::valid_exec();
    b.ehdr.e_phoff = b.file_size + 8;
    EXPECT_EQ(parse_built(b), Status::truncated);
    b.ehdr.e_phoff = b.file_size - 100;  // starts inside, ends outside
    EXPECT_EQ(parse_built(b), Status::truncated);
}

TEST(ElfProgramHeaders, OffsetThatWrapsAround) {
    auto b = ImageBuilder::valid_exec();
    for (uint64_t off : {UINT64_MAX, UINT64_MAX - 100, uint64_t{0xffffffffffffff80}}) {
        b.ehdr.e_phoff = off;
        EXPECT_EQ(parse_built(b), Status::bad_program_headers) << std::hex << off;
    }
}

TEST(ElfProgramHeaders, TooManyOrNone) {
    auto b = ImageBuilder::valid_exec();
    EXPECT_EQ(parse_built(b, 65), Status::bad_program_headers);
    EXPECT_EQ(parse_built(b, 0xffff), Status::bad_program_headers);  // PN_XNUM is not supported
    EXPECT_EQ(parse_built(b, 0), Status::no_loadable_segments);
}

TEST(ElfProgramHeaders, SixtyFourEntriesAreAllowed) {
    auto b = ImageBuilder::valid_exec();
    while (b.phdrs.size() < 64) b.phdrs.push_back(ImageBuilder::other(PT_NOTE));
    b.file_size = 0x2800 + 0x1000;  // room is not the issue: the table fits in the R page
    // The table is 64 * 56 = 3584 bytes from offset 64: still inside the first 4 KiB segment.
    EXPECT_EQ(parse_built(b), Status::ok);
}

TEST(ElfProgramHeaders, TableNotMappedByAnySegment) {
    auto b = ImageBuilder::valid_exec();
    b.phdrs[0].p_offset = 0x1000;  // R segment no longer holds file offset 64...
    b.phdrs[0].p_vaddr = 0x400000 + 0x1000 - 0x1000;
    b.phdrs[0].p_filesz = 0;  // ...nor any other file bytes
    b.phdrs[0].p_memsz = 0x1000;
    EXPECT_EQ(parse_built(b), Status::bad_program_headers);
}

TEST(ElfProgramHeaders, PtPhdrOutsideEverySegment) {
    auto b = ImageBuilder::valid_exec();
    auto ph = ImageBuilder::other(PT_PHDR);
    ph.p_vaddr = 0x900000;
    b.phdrs.push_back(ph);
    EXPECT_EQ(parse_built(b), Status::bad_program_headers);
    b.phdrs.back().p_vaddr = 0x400ff0;  // starts mapped, runs off the end of the R segment
    EXPECT_EQ(parse_built(b), Status::bad_program_headers);
}

// ---- Segments ---------------------------------------------------------------------------------

TEST(ElfSegments, FileSizeLargerThanMemorySize) {
    auto b = ImageBuilder::valid_exec();
    b.phdrs[2].p_memsz = b.phdrs[2].p_filesz - 1;
    EXPECT_EQ(parse_built(b), Status::bad_segment);
}

TEST(ElfSegments, FileBytesPastTheEndOfTheFile) {
    auto b = ImageBuilder::valid_exec();
    b.phdrs[2].p_filesz = 0x801;
    EXPECT_EQ(parse_built(b), Status::truncated);
    b = ImageBuilder::valid_exec();
    b.phdrs[2].p_offset = 0x10000;
    b.phdrs[2].p_vaddr = 0x410000;
    EXPECT_EQ(parse_built(b), Status::truncated);
}

TEST(ElfSegments, FileRangeThatWrapsAround) {
    auto b = ImageBuilder::valid_exec();
    b.phdrs[2].p_offset = UINT64_MAX - 0x100;  // offset + filesz wraps to a small number
    b.phdrs[2].p_align = 1;
    EXPECT_EQ(parse_built(b), Status::bad_segment);
}

TEST(ElfSegments, AddressThatWrapsAround) {
    auto b = ImageBuilder::valid_exec();
    b.phdrs[2].p_vaddr = UINT64_MAX - 0xfff;  // vaddr + memsz passes 2^64
    b.phdrs[2].p_align = 1;
    EXPECT_EQ(parse_built(b), Status::bad_segment);
    auto p = ImageBuilder::valid_pie();
    p.phdrs[2].p_vaddr = UINT64_MAX - 0xfff;
    p.phdrs[2].p_align = 1;
    EXPECT_EQ(parse_built(p), Status::bad_segment);
}

TEST(ElfSegments, KernelHalfAndOutOfRangeAddresses) {
    for (uint64_t vaddr : std::initializer_list<uint64_t>{
             0xffffffff80000000ull, 0xffff800000000000ull, 0x0000800000000000ull, kMaxUserVaddr,
             kMaxUserVaddr - 0x1000, 0, kMinVaddr - 0x1000}) {
        auto b = ImageBuilder::valid_exec();
        b.phdrs[2].p_vaddr = vaddr;  // memsz 0x3000: the end passes kMaxUserVaddr for the high ones
        b.phdrs[2].p_align = 1;
        EXPECT_EQ(parse_built(b), Status::bad_segment) << std::hex << vaddr;
    }
}

TEST(ElfSegments, AddressLimitsAreExclusiveAtTheTopInclusiveAtTheBottom) {
    auto b = ImageBuilder::valid_exec();
    b.phdrs[2].p_vaddr = kMaxUserVaddr - 0x3000;  // ends exactly at the limit
    EXPECT_EQ(parse_built(b), Status::ok);
    b = ImageBuilder::valid_exec();
    b.phdrs[0].p_vaddr = kMinVaddr;
    EXPECT_EQ(parse_built(b), Status::ok);
}

TEST(ElfSegments, PieSpanMustFitTheUserRange) {
    auto p = ImageBuilder::valid_pie();
    p.phdrs[2].p_vaddr = kMaxUserVaddr - kMinVaddr - 0x3000;  // the largest span allowed
    EXPECT_EQ(parse_built(p), Status::ok);
    p.phdrs[2].p_vaddr += 0x1000;
    EXPECT_EQ(parse_built(p), Status::bad_segment);
}

TEST(ElfSegments, Alignment) {
    auto b = ImageBuilder::valid_exec();
    b.phdrs[2].p_align = 0x1800;  // not a power of two
    EXPECT_EQ(parse_built(b), Status::bad_segment);
    b.phdrs[2].p_align = 0x1000;
    b.phdrs[2].p_vaddr = 0x402010;  // vaddr and offset disagree modulo the page size
    EXPECT_EQ(parse_built(b), Status::bad_segment);
    b.phdrs[2].p_align = 0x200000;  // larger alignments only need page congruence
    b.phdrs[2].p_vaddr = 0x602000;
    EXPECT_EQ(parse_built(b), Status::ok);
    for (uint64_t align : {0, 1, 16}) {  // below a page: the loader copies, no congruence needed
        b.phdrs[2].p_align = align;
        b.phdrs[2].p_vaddr = 0x402010;
        EXPECT_EQ(parse_built(b), Status::ok) << "align " << align;
    }
}

TEST(ElfSegments, ByteOverlapIsRefused) {
    auto b = ImageBuilder::valid_exec();
    b.phdrs[2].p_vaddr = 0x401800;  // RW starts inside RX
    b.phdrs[2].p_offset = 0x1800;
    b.phdrs[1].p_flags = PF_R;  // keep W+X out of it: the overlap itself is the error
    b.ehdr.e_entry = 0x400010;
    b.phdrs[0].p_flags = PF_R | PF_X;
    EXPECT_EQ(parse_built(b), Status::overlapping_segments);
    auto dup = ImageBuilder::valid_exec();
    dup.phdrs.push_back(dup.phdrs[1]);  // the same text segment twice
    EXPECT_EQ(parse_built(dup), Status::overlapping_segments);
    auto later = ImageBuilder::valid_exec();
    later.phdrs[0].p_memsz = 0x1001;  // last byte of R touches the first byte of RX
    EXPECT_EQ(parse_built(later), Status::overlapping_segments);
}

TEST(ElfSegments, WritableAndExecutableSegment) {
    auto b = ImageBuilder::valid_exec();
    b.phdrs[1].p_flags = PF_R | PF_W | PF_X;
    EXPECT_EQ(parse_built(b), Status::writable_executable);
    b.phdrs[1].p_flags = PF_W | PF_X;
    EXPECT_EQ(parse_built(b), Status::writable_executable);
}

// Linkers put consecutive segments in one page when they are disjoint byte for byte; the loader
// maps that page once with the union of both permissions, so only a W+X union is refused.
TEST(ElfSegments, SharedPageIsAllowedUnlessTheUnionIsWritableExecutable) {
    auto shared = [](uint32_t first_flags, uint32_t second_flags) {
        auto b = ImageBuilder::valid_exec();
        b.phdrs[1].p_flags = first_flags;
        b.phdrs[1].p_memsz = 0x800;  // RX: [0x401000, 0x401800)
        b.phdrs[1].p_filesz = 0x800;
        b.phdrs[2].p_flags = second_flags;
        b.phdrs[2].p_vaddr = 0x401800;  // second: [0x401800, 0x404800), same page as RX's end
        b.phdrs[2].p_offset = 0x1800;
        b.phdrs[2].p_filesz = 0x800;
        b.file_size = 0x2000;
        return parse_built(b);
    };
    EXPECT_EQ(shared(PF_R | PF_X, PF_R | PF_W), Status::writable_executable);
    EXPECT_EQ(shared(PF_R | PF_X, PF_R), Status::ok);
    EXPECT_EQ(shared(PF_R | PF_X, PF_R | PF_X), Status::ok);

    auto b = ImageBuilder::valid_exec();  // R headers page shares a page with RW data: fine
    b.phdrs[0].p_memsz = b.phdrs[0].p_filesz = 0x800;
    b.phdrs[2].p_vaddr = 0x400800;
    b.phdrs[2].p_offset = 0x800;
    b.phdrs[2].p_filesz = 0x800;
    b.phdrs[2].p_memsz = 0x800;
    EXPECT_EQ(parse_built(b), Status::ok);
}

TEST(ElfSegments, NoLoadableSegment) {
    auto b = ImageBuilder::valid_exec();
    for (auto& p : b.phdrs)
        if (p.p_type == PT_LOAD) p.p_type = PT_NOTE;
    EXPECT_EQ(parse_built(b), Status::no_loadable_segments);
}

TEST(ElfSegments, SixteenLoadsAllowedSeventeenRefused) {
    auto make = [](size_t extra) {
        auto b = ImageBuilder::valid_exec();
        for (size_t i = 0; i < extra; ++i)  // bss-only segments above the image
            b.phdrs.push_back(ImageBuilder::load(PF_R, 0, 0x500000 + i * 0x1000, 0, 0x1000));
        return parse_built(b);
    };
    EXPECT_EQ(make(kMaxSegments - 3), Status::ok);
    EXPECT_EQ(make(kMaxSegments - 2), Status::too_many_segments);
}

// ---- Entry point ------------------------------------------------------------------------------

TEST(ElfEntry, MustBeInsideAnExecutableSegment) {
    struct Case {
        uint64_t entry;
        Status want;
    };
    for (Case c : {Case{0x401000, Status::ok}, Case{0x401fff, Status::ok},
                   Case{0x402000, Status::bad_entry},  // one past the end of RX, inside RW
                   Case{0x400100, Status::bad_entry},  // R headers
                   Case{0x900000, Status::bad_entry}, Case{0, Status::bad_entry},
                   Case{UINT64_MAX, Status::bad_entry}}) {
        auto b = ImageBuilder::valid_exec();
        b.ehdr.e_entry = c.entry;
        EXPECT_EQ(parse_built(b), c.want) << std::hex << c.entry;
    }
}

// ---- Dynamic linking --------------------------------------------------------------------------

TEST(ElfDynamic, InterpreterIsRefused) {
    auto b = ImageBuilder::valid_exec();
    b.phdrs.insert(b.phdrs.begin(), ImageBuilder::other(PT_INTERP));
    EXPECT_EQ(parse_built(b), Status::dynamically_linked);
}

TEST(ElfDynamic, InterpreterWinsOverOtherDefects) {
    auto b = ImageBuilder::valid_exec();
    b.phdrs.push_back(ImageBuilder::other(PT_INTERP));
    b.phdrs[1].p_flags = PF_R | PF_W | PF_X;
    EXPECT_EQ(parse_built(b), Status::dynamically_linked);
}

TEST(ElfDynamic, NeededLibraryIsRefused) {
    auto b = ImageBuilder::valid_pie();
    b.phdrs.pop_back();  // replace the static PIE's dynamic section
    b.blobs.clear();
    b.add_dynamic({{DT_DEBUG, 0}, {DT_NEEDED, 1}, {DT_NULL, 0}});
    EXPECT_EQ(parse_built(b), Status::dynamically_linked);
}

TEST(ElfDynamic, NeededAfterTheTerminatorIsIgnored) {
    auto b = ImageBuilder::valid_pie();
    b.phdrs.pop_back();
    b.blobs.clear();
    b.add_dynamic({{DT_DEBUG, 0}, {DT_NULL, 0}, {DT_NEEDED, 1}});
    EXPECT_EQ(parse_built(b), Status::ok);
}

TEST(ElfDynamic, DynamicSectionOutsideTheFile) {
    auto b = ImageBuilder::valid_pie();
    b.first(PT_DYNAMIC).p_offset = b.file_size - 8;  // last entry runs past the end
    EXPECT_EQ(parse_built(b), Status::truncated);
    b.first(PT_DYNAMIC).p_offset = UINT64_MAX - 8;
    EXPECT_EQ(parse_built(b), Status::bad_segment);
}

// ---- Descriptions -----------------------------------------------------------------------------

TEST(ElfDescribe, EveryStatusHasItsOwnLine) {
    std::set<std::string> seen;
    for (int i = 0; i <= static_cast<int>(Status::too_many_segments); ++i) {
        std::string text = describe(static_cast<Status>(i));
        EXPECT_FALSE(text.empty());
        EXPECT_EQ(text.find('\n'), std::string::npos);
        EXPECT_TRUE(seen.insert(text).second) << "duplicate: " << text;
    }
    EXPECT_STREQ(describe(Status::bad_magic), "not an ELF file (bad magic)");
    EXPECT_STREQ(describe(Status::not_x86_64), "not an x86-64 executable");
    EXPECT_STREQ(describe(Status::truncated), "truncated ELF file");
    EXPECT_STREQ(describe(Status::writable_executable), "has a writable and executable segment");
    EXPECT_NE(std::string(describe(Status::dynamically_linked)).find("-static"), std::string::npos);
}

// ---- Random corruption ------------------------------------------------------------------------

// Corrupts header bytes of a valid image many times with a fixed-seed generator.  Whatever the
// result, an accepted image must still satisfy the contract's invariants.
TEST(ElfRandom, CorruptedHeadersNeverBreakTheInvariants) {
    auto base = ImageBuilder::valid_pie().bytes();
    uint64_t state = 0x9e3779b97f4a7c15ull;
    auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    size_t headers = 64 + 5 * sizeof(Elf64_Phdr);
    int accepted = 0;
    for (int round = 0; round < 20000; ++round) {
        auto f = base;
        int flips = 1 + static_cast<int>(next() % 4);
        for (int i = 0; i < flips; ++i) f[next() % headers] = static_cast<uint8_t>(next());
        size_t len = (next() % 8 == 0) ? next() % f.size() : f.size();
        Image img;
        if (parse_prefix(f, len, &img) != Status::ok) continue;
        ++accepted;
        ASSERT_GE(img.nsegs, 1u);
        ASSERT_LE(img.nsegs, kMaxSegments);
        ASSERT_LE(img.lo, img.hi);
        ASSERT_LE(img.hi, img.pie ? kMaxUserVaddr - kMinVaddr : kMaxUserVaddr);
        bool entry_ok = false;
        for (size_t i = 0; i < img.nsegs; ++i) {
            const Segment& s = img.segs[i];
            ASSERT_LE(s.filesz, s.memsz);
            ASSERT_LE(s.offset + s.filesz, len);
            ASSERT_FALSE((s.flags & kWrite) && (s.flags & kExec));
            entry_ok |= (s.flags & kExec) && img.entry >= s.vaddr && img.entry < s.vaddr + s.memsz;
            for (size_t j = 0; j < i; ++j)
                ASSERT_FALSE(s.vaddr < img.segs[j].vaddr + img.segs[j].memsz &&
                             img.segs[j].vaddr < s.vaddr + s.memsz && s.memsz && img.segs[j].memsz);
        }
        ASSERT_TRUE(entry_ok);
    }
    EXPECT_GT(accepted, 0);  // some corruptions hit don't-care bytes (p_paddr, e_shoff, ...)
}

}  // namespace
}  // namespace er::elf::test
