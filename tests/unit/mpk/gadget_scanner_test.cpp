// The byte-level rules of the gadget scanner (mpk/gadget_scanner.hpp, docs/mpk.md): every offset,
// buffer edges, gadgets split across feeds, prefixes, ModRM forms, truncation, and a large random
// buffer against a naive reference written independently from the rules as documented.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "mpk/gadget_scanner.hpp"

namespace er::mpk {
namespace {

struct Hit {
    uint64_t offset;
    uint64_t vaddr;
    GadgetKind kind;
    bool operator==(const Hit&) const = default;
};

void PrintTo(const Hit& h, std::ostream* os) {
    *os << describe(h.kind) << "@" << h.offset << " (vaddr " << h.vaddr << ")";
}

std::vector<Hit> hits(const Finding* f, size_t n) {
    std::vector<Hit> out;
    for (size_t i = 0; i < n; ++i) out.push_back({f[i].offset, f[i].vaddr, f[i].kind});
    return out;
}

// Scans `bytes` in one piece with room for every finding.
std::vector<Hit> scan(const std::vector<uint8_t>& bytes, uint64_t base = 0) {
    std::vector<Finding> out(bytes.size() + 1);
    ScanResult r = scan_bytes(bytes.data(), bytes.size(), base, out.data(), out.size());
    EXPECT_EQ(r.status, elf::Status::ok);
    EXPECT_FALSE(r.truncated);
    EXPECT_EQ(r.count, r.total);
    EXPECT_EQ(r.bytes, bytes.size());
    return hits(out.data(), r.count);
}

// The reference: the rules of docs/mpk.md applied byte by byte, with no shared code.
std::vector<Hit> reference(const std::vector<uint8_t>& b, uint64_t base = 0) {
    std::vector<Hit> out;
    for (size_t i = 0; i + 3 <= b.size(); ++i) {
        if (b[i] != 0x0F) continue;
        uint8_t op = b[i + 1], modrm = b[i + 2];
        unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7;
        bool rex_w = i > 0 && b[i - 1] >= 0x48 && b[i - 1] <= 0x4F;
        if (op == 0x01 && modrm == 0xEF) {
            out.push_back({i, base + i, GadgetKind::wrpkru});
        } else if (op == 0xAE && reg == 5 && mod != 3) {
            out.push_back({i, base + i, rex_w ? GadgetKind::xrstor64 : GadgetKind::xrstor});
        } else if (op == 0xC7 && reg == 3 && mod != 3) {
            out.push_back({i, base + i, rex_w ? GadgetKind::xrstors64 : GadgetKind::xrstors});
        }
    }
    return out;
}

std::vector<uint8_t> filler(size_t n) {
    return std::vector<uint8_t>(n, 0x90);
}  // NOPs

void put(std::vector<uint8_t>& b, size_t at, std::initializer_list<uint8_t> bytes) {
    for (uint8_t x : bytes) b.at(at++) = x;
}

TEST(GadgetScanner, EmptyAndTinyBuffersHaveNone) {
    EXPECT_TRUE(scan({}).empty());
    EXPECT_TRUE(scan({0x0F}).empty());
    EXPECT_TRUE(scan({0x0F, 0x01}).empty());
    EXPECT_TRUE(scan(filler(4096)).empty());
}

TEST(GadgetScanner, WrpkruAtEveryOffset) {
    // Every alignment within a buffer, including the first and the last possible offset.
    for (size_t at = 0; at + 3 <= 67; ++at) {
        auto b = filler(67);
        put(b, at, {0x0F, 0x01, 0xEF});
        EXPECT_EQ(scan(b, 0x401000), (std::vector<Hit>{{at, 0x401000 + at, GadgetKind::wrpkru}}))
            << "at " << at;
    }
}

TEST(GadgetScanner, XrstorAtEveryOffset) {
    for (size_t at = 0; at + 3 <= 40; ++at) {
        auto b = filler(40);
        put(b, at, {0x0F, 0xAE, 0x2F});  // xrstor (%rdi)
        EXPECT_EQ(scan(b), (std::vector<Hit>{{at, at, GadgetKind::xrstor}})) << "at " << at;
    }
}

TEST(GadgetScanner, ExactlyTheGadgetIsTheWholeBuffer) {
    EXPECT_EQ(scan({0x0F, 0x01, 0xEF}), (std::vector<Hit>{{0, 0, GadgetKind::wrpkru}}));
    EXPECT_EQ(scan({0x0F, 0xAE, 0x28}), (std::vector<Hit>{{0, 0, GadgetKind::xrstor}}));
    EXPECT_EQ(scan({0x0F, 0xC7, 0x1F}), (std::vector<Hit>{{0, 0, GadgetKind::xrstors}}));
}

TEST(GadgetScanner, GadgetCutByTheEndOfTheBufferIsNotThere) {
    // The caller passes a whole run of executable memory; past its end an instruction fetch
    // faults, so a gadget missing its last byte cannot execute.
    auto b = filler(16);
    put(b, 14, {0x0F, 0x01});
    EXPECT_TRUE(scan(b).empty());
    put(b, 13, {0x0F, 0xAE});  // the ModRM would be past the end
    EXPECT_TRUE(scan(b).empty());
    b.back() = 0x0F;
    EXPECT_TRUE(scan(b).empty());
}

TEST(GadgetScanner, InsideImmediatesAndOverlapping) {
    // movl $0xef010f90, %eax: B8 90 0F 01 EF, the WRPKRU two bytes into the instruction.
    EXPECT_EQ(scan({0xB8, 0x90, 0x0F, 0x01, 0xEF, 0xC3}),
              (std::vector<Hit>{{2, 2, GadgetKind::wrpkru}}));
    // Back to back, and 0F 0F 01 EF (the second 0F starts it).
    EXPECT_EQ(scan({0x0F, 0x01, 0xEF, 0x0F, 0x01, 0xEF}),
              (std::vector<Hit>{{0, 0, GadgetKind::wrpkru}, {3, 3, GadgetKind::wrpkru}}));
    EXPECT_EQ(scan({0x0F, 0x0F, 0x01, 0xEF}), (std::vector<Hit>{{1, 1, GadgetKind::wrpkru}}));
    // 0F AE 0F 01 EF: 0F AE 0F is /1 (FXRSTOR), not XRSTOR; the WRPKRU at 2 is found.
    EXPECT_EQ(scan({0x0F, 0xAE, 0x0F, 0x01, 0xEF}), (std::vector<Hit>{{2, 2, GadgetKind::wrpkru}}));
}

TEST(GadgetScanner, PrefixesNeverHideAGadget) {
    // A jump can land on the 0F and skip any prefix, so the finding is always at the 0F.
    for (uint8_t p :
         {0x66, 0xF2, 0xF3, 0xF0, 0x2E, 0x3E, 0x26, 0x64, 0x65, 0x36, 0x40, 0x41, 0x48, 0x4F}) {
        EXPECT_EQ(scan({p, 0x0F, 0x01, 0xEF}), (std::vector<Hit>{{1, 1, GadgetKind::wrpkru}}))
            << "prefix " << int{p};
        EXPECT_EQ(scan({0x66, 0xF3, p, 0x0F, 0x01, 0xEF}),
                  (std::vector<Hit>{{3, 3, GadgetKind::wrpkru}}));
    }
}

TEST(GadgetScanner, RexWRightBeforeTheOpcodeNamesThe64BitForms) {
    for (unsigned rex = 0x40; rex <= 0x4F; ++rex) {
        bool w = rex >= 0x48;
        uint8_t r = static_cast<uint8_t>(rex);
        EXPECT_EQ(scan({r, 0x0F, 0xAE, 0x28}),
                  (std::vector<Hit>{{1, 1, w ? GadgetKind::xrstor64 : GadgetKind::xrstor}}));
        EXPECT_EQ(scan({0x66, r, 0x0F, 0xC7, 0x18}),
                  (std::vector<Hit>{{2, 2, w ? GadgetKind::xrstors64 : GadgetKind::xrstors}}));
    }
    // REX.W not adjacent to the opcode is no REX prefix at all (a legacy prefix after it).
    EXPECT_EQ(scan({0x48, 0x66, 0x0F, 0xAE, 0x28}), (std::vector<Hit>{{2, 2, GadgetKind::xrstor}}));
}

TEST(GadgetScanner, EveryModRMOf0FAE) {
    // Only /5 with a memory operand is XRSTOR: mod=11 /5 is LFENCE (E8-EF); /0 FXSAVE,
    // /1 FXRSTOR, /2 LDMXCSR, /3 STMXCSR, /4 XSAVE, /6 XSAVEOPT, /7 CLFLUSH store or load
    // nothing that holds PKRU.
    int found = 0;
    for (unsigned m = 0; m < 256; ++m) {
        uint8_t modrm = static_cast<uint8_t>(m);
        bool expect = ((m >> 3) & 7) == 5 && (m >> 6) != 3;
        auto h = scan({0x0F, 0xAE, modrm});
        EXPECT_EQ(h.size(), expect ? 1u : 0u) << "ModRM " << m;
        found += static_cast<int>(h.size());
    }
    EXPECT_EQ(found, 24);  // 3 memory mods x 8 r/m
    for (uint8_t lfence = 0xE8; lfence <= 0xEF; ++lfence)
        EXPECT_TRUE(scan({0x0F, 0xAE, lfence}).empty()) << "LFENCE form " << int{lfence};
}

TEST(GadgetScanner, EveryModRMOf0FC7) {
    // Only /3 with a memory operand is XRSTORS; /1 CMPXCHG8B/16B, /4 XSAVEC, /5 XSAVES, and the
    // mod=11 forms (RDRAND, RDSEED, RDPID, undefined /3) are not.
    int found = 0;
    for (unsigned m = 0; m < 256; ++m) {
        bool expect = ((m >> 3) & 7) == 3 && (m >> 6) != 3;
        auto h = scan({0x0F, 0xC7, static_cast<uint8_t>(m)});
        EXPECT_EQ(h.size(), expect ? 1u : 0u) << "ModRM " << m;
        found += static_cast<int>(h.size());
    }
    EXPECT_EQ(found, 24);
}

TEST(GadgetScanner, OtherGroup7EncodingsAreNotWrpkru) {
    // 0F 01 EE is RDPKRU (reads only), 0F 01 EF is the only WRPKRU.
    for (unsigned m = 0; m < 256; ++m) {
        auto h = scan({0x0F, 0x01, static_cast<uint8_t>(m)});
        EXPECT_EQ(h.size(), m == 0xEF ? 1u : 0u) << "0F 01 " << m;
    }
}

TEST(GadgetScanner, AcceptedFalsePositives) {
    // Documented in docs/mpk.md: the scanner cannot know what the bytes mean or what EAX holds.
    // Data in the executable run (a constant, a jump table) is code to the CPU if jumped to.
    EXPECT_EQ(scan({'a', 0x0F, 0x01, 0xEF, 'z'}).size(), 1u);
    // An XRSTOR whose SIB/displacement would lie past the run: reported (the fetch would
    // fault, but deciding that needs a length decoder, and the cost of a wrong "clean" is total).
    EXPECT_EQ(scan({0x0F, 0xAE, 0x2C}).size(), 1u);        // needs a SIB byte
    EXPECT_EQ(scan({0x0F, 0xAE, 0x2D, 0x00}).size(), 1u);  // needs a disp32
    // XRSTORS faults at CPL3; reported anyway, since the rule must not depend on the privilege
    // the code will run at.
    EXPECT_EQ(scan({0x0F, 0xC7, 0x1F}).size(), 1u);
}

TEST(GadgetScanner, TruncatedKeepsTheFirstAndCountsAll) {
    std::vector<uint8_t> b;
    for (int i = 0; i < 10; ++i) b.insert(b.end(), {0x90, 0x0F, 0x01, 0xEF});
    Finding out[4];
    ScanResult r = scan_bytes(b.data(), b.size(), 0, out, 4);
    EXPECT_EQ(r.total, 10u);
    EXPECT_EQ(r.count, 4u);
    EXPECT_TRUE(r.truncated);
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(out[i].offset, 4 * i + 1);
    // No room at all: still counted, nothing written.
    r = scan_bytes(b.data(), b.size(), 0, nullptr, 0);
    EXPECT_EQ(r.total, 10u);
    EXPECT_EQ(r.count, 0u);
    EXPECT_TRUE(r.truncated);
    // Exactly enough room is not truncated.
    Finding ten[10];
    r = scan_bytes(b.data(), b.size(), 0, ten, 10);
    EXPECT_FALSE(r.truncated);
    EXPECT_EQ(r.count, 10u);
}

// Feeds `b` to a Scanner in the pieces given by `cuts`, as scan_elf does with segments.
std::vector<Hit> scan_in_pieces(const std::vector<uint8_t>& b, const std::vector<size_t>& cuts,
                                uint64_t base) {
    std::vector<Finding> out(b.size() + 1);
    Scanner s(out.data(), out.size());
    s.begin_run(base);
    size_t at = 0;
    for (size_t cut : cuts) {
        s.feed(b.data() + at, cut - at, at);
        at = cut;
    }
    s.feed(b.data() + at, b.size() - at, at);
    ScanResult r = s.result();
    EXPECT_EQ(r.bytes, b.size());
    return hits(out.data(), r.count);
}

TEST(GadgetScanner, GadgetSplitAcrossFeedsIsFound) {
    std::vector<uint8_t> b = {0x90, 0x48, 0x0F, 0xAE, 0x28, 0x90, 0x0F, 0x01, 0xEF, 0x90};
    auto whole = scan(b, 0x1000);
    ASSERT_EQ(whole.size(), 2u);
    EXPECT_EQ(whole[0].kind, GadgetKind::xrstor64);
    // Every single cut and every pair of cuts, including empty pieces.
    for (size_t i = 0; i <= b.size(); ++i) {
        EXPECT_EQ(scan_in_pieces(b, {i}, 0x1000), whole) << "cut " << i;
        for (size_t j = i; j <= b.size(); ++j)
            EXPECT_EQ(scan_in_pieces(b, {i, j}, 0x1000), whole) << "cuts " << i << "," << j;
    }
    // One byte at a time.
    std::vector<size_t> every;
    for (size_t i = 1; i < b.size(); ++i) every.push_back(i);
    EXPECT_EQ(scan_in_pieces(b, every, 0x1000), whole);
}

TEST(GadgetScanner, ZeroFillBetweenPiecesBreaksNothingAndHidesNothing) {
    Finding out[8];
    Scanner s(out, 8);
    s.begin_run(0x1000);
    const uint8_t a[] = {0x90, 0x0F};
    s.feed(a, 2, 100);
    s.feed_zeros(5000);  // 0F 00 00: SLDT, no gadget
    const uint8_t b[] = {0x01, 0xEF, 0x0F, 0xAE};
    s.feed(b, 4, 200);
    s.feed_zeros(1);  // 0F AE 00 is FXSAVE
    const uint8_t c[] = {0x0F, 0x01};
    s.feed(c, 2, 300);
    const uint8_t d[] = {0xEF};
    s.feed(d, 1, 400);
    ScanResult r = s.result();
    ASSERT_EQ(r.total, 1u);
    EXPECT_EQ(out[0].kind, GadgetKind::wrpkru);
    EXPECT_EQ(out[0].offset, 300u);                       // file offset of its 0F
    EXPECT_EQ(out[0].vaddr, 0x1000u + 2 + 5000 + 4 + 1);  // its address in the run
    EXPECT_EQ(r.bytes, 9u);                               // zero fill is not file bytes
}

TEST(GadgetScanner, NewRunForgetsThePrevious) {
    Finding out[4];
    Scanner s(out, 4);
    s.begin_run(0x1000);
    const uint8_t a[] = {0x90, 0x0F, 0x01};
    s.feed(a, 3, 0);
    s.begin_run(0x5000);  // the next executable page is not adjacent: the fetch would fault
    const uint8_t b[] = {0xEF, 0x90};
    s.feed(b, 2, 3);
    EXPECT_EQ(s.result().total, 0u);
}

TEST(GadgetScanner, RandomBufferMatchesTheReference) {
    // Bytes drawn mostly from the ones that matter, so every rule is hit many times.
    std::mt19937_64 rng(20261123);
    const uint8_t interesting[] = {0x0F, 0x01, 0xEF, 0xAE, 0xC7, 0x48, 0x4C, 0x66, 0x28,
                                   0x2F, 0x18, 0x1F, 0xE8, 0xEE, 0x6C, 0xDF, 0x00, 0xFF};
    std::vector<uint8_t> b(1 << 20);
    for (auto& x : b) {
        uint64_t v = rng();
        x = (v & 7) ? interesting[(v >> 8) % sizeof interesting] : static_cast<uint8_t>(v >> 16);
    }
    auto expected = reference(b, 0x400000);
    // Every kind occurs often enough for the comparison to mean something.
    size_t per_kind[5] = {};
    for (const Hit& h : expected) ++per_kind[static_cast<size_t>(h.kind)];
    for (size_t k = 0; k < 5; ++k) EXPECT_GT(per_kind[k], 20u) << describe(GadgetKind(k));
    EXPECT_EQ(scan(b, 0x400000), expected);

    // The same bytes fed in random pieces.
    std::vector<size_t> cuts;
    for (size_t at = 0;;) {
        at += rng() % 9;
        if (at >= b.size()) break;
        cuts.push_back(at);
    }
    EXPECT_EQ(scan_in_pieces(b, cuts, 0x400000), expected);
}

TEST(GadgetScanner, DescribeNamesEveryKind) {
    EXPECT_STREQ(describe(GadgetKind::wrpkru), "WRPKRU");
    EXPECT_STREQ(describe(GadgetKind::xrstor), "XRSTOR");
    EXPECT_STREQ(describe(GadgetKind::xrstor64), "XRSTOR64");
    EXPECT_STREQ(describe(GadgetKind::xrstors), "XRSTORS");
    EXPECT_STREQ(describe(GadgetKind::xrstors64), "XRSTORS64");
}

}  // namespace
}  // namespace er::mpk
