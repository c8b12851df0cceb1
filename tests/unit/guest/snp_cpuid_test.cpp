// SNP CPUID page lookup (unikernel/sev/snp_cpuid.cpp) over a hand-built table in the firmware's
// layout: entry selection by leaf and (for indexed leaves) sub-leaf, zeros for missing leaves,
// the XSAVE sizes of leaf 0xD recomputed for the guest's XCR0/XSS (standard and compacted), and
// the refusals.
#include "sev/snp_cpuid.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace {

using uk::sev::CpuidValues;

struct E {
    uint32_t eax_in, ecx_in;
    uint64_t xcr0_in, xss_in;
    uint32_t eax, ebx, ecx, edx;
};

std::vector<uint8_t> table(const std::vector<E>& entries, uint32_t count_override = 0) {
    std::vector<uint8_t> page(4096, 0);
    uint32_t n = count_override ? count_override : static_cast<uint32_t>(entries.size());
    std::memcpy(page.data(), &n, 4);
    for (size_t i = 0; i < entries.size(); ++i) {
        uint8_t* p = page.data() + 16 + 48 * i;
        const E& e = entries[i];
        std::memcpy(p + 0, &e.eax_in, 4);
        std::memcpy(p + 4, &e.ecx_in, 4);
        std::memcpy(p + 8, &e.xcr0_in, 8);
        std::memcpy(p + 16, &e.xss_in, 8);
        std::memcpy(p + 24, &e.eax, 4);
        std::memcpy(p + 28, &e.ebx, 4);
        std::memcpy(p + 32, &e.ecx, 4);
        std::memcpy(p + 36, &e.edx, 4);
    }
    return page;
}

// A small Zen-like table: XSAVE components x87, SSE, AVX (2: 256 bytes at 0x240) and PKRU (9: 8
// bytes at 0xA80).
const std::vector<E> kTable = {
    {0x0, 0, 0, 0, 0x10, 0x68747541, 0x444D4163, 0x69746E65},
    {0x1, 0, 0, 0, 0x00A00F11, 0x00000800, 0xFEDA3203, 0x178BFBFF},
    {0x7, 0, 0, 0, 0x1, 0x219C97A9, 0x0040069C, 0},
    {0x7, 1, 0, 0, 0x10, 0, 0, 0},
    {0xD, 0, 7, 0, 0x207, 0x9999, 0x988, 0},  // for XCR0 = 7: not the base entry, skipped
    {0xD, 0, 1, 0, 0x207, 0x240, 0x988, 0},   // base entry (XCR0 = 1)
    {0xD, 1, 1, 0, 0xF, 0x240, 0, 0},         // XSAVEOPT, XSAVEC, XGETBV1, XSAVES
    {0xD, 2, 0, 0, 0x100, 0x240, 0, 0},
    {0xD, 9, 0, 0, 0x8, 0xA80, 0, 0},
    {0x80000000, 0, 0, 0, 0x80000021, 0x68747541, 0x444D4163, 0x69746E65},
};

CpuidValues ask(const std::vector<uint8_t>& page, uint32_t leaf, uint32_t sub, uint64_t xcr0 = 1,
                uint64_t xss = 0) {
    CpuidValues v{0xEE, 0xEE, 0xEE, 0xEE};
    const char* why = uk::sev::snp_cpuid(page.data(), leaf, sub, xcr0, xss, &v);
    EXPECT_EQ(why, nullptr) << std::hex << leaf << "." << sub << ": " << why;
    return v;
}

TEST(SnpCpuid, PlainLeavesIgnoreTheSubleaf) {
    auto page = table(kTable);
    ASSERT_EQ(uk::sev::snp_cpuid_table_check(page.data()), nullptr);
    CpuidValues v = ask(page, 0x1, 0x1234);
    EXPECT_EQ(v.eax, 0x00A00F11u);
    EXPECT_EQ(v.ebx, 0x800u);
    EXPECT_EQ(v.ecx, 0xFEDA3203u);
    EXPECT_EQ(v.edx, 0x178BFBFFu);
    EXPECT_EQ(ask(page, 0x80000000, 7).eax, 0x80000021u);
}

TEST(SnpCpuid, IndexedLeavesMatchTheSubleaf) {
    auto page = table(kTable);
    EXPECT_EQ(ask(page, 0x7, 0).ebx, 0x219C97A9u);
    EXPECT_EQ(ask(page, 0x7, 1).eax, 0x10u);
    CpuidValues v = ask(page, 0x7, 2);  // not in the table
    EXPECT_EQ(v.eax | v.ebx | v.ecx | v.edx, 0u);
    EXPECT_EQ(ask(page, 0xD, 2).eax, 0x100u);
    EXPECT_EQ(ask(page, 0xD, 9).ebx, 0xA80u);
}

TEST(SnpCpuid, MissingLeavesAreZero) {
    auto page = table(kTable);
    for (uint32_t leaf : {0x2u, 0x40000000u, 0x8000001Fu, 0xFFFFFFFFu}) {
        CpuidValues v = ask(page, leaf, 0);
        EXPECT_EQ(v.eax | v.ebx | v.ecx | v.edx, 0u) << std::hex << leaf;
    }
    auto empty = table({});
    EXPECT_EQ(ask(empty, 0x0, 0).eax, 0u);
}

TEST(SnpCpuid, XsaveSizesFollowTheGuestsXcr0) {
    auto page = table(kTable);
    // Standard form: max(0x240, offset + size) over enabled components.
    EXPECT_EQ(ask(page, 0xD, 0, 0x1).ebx, 0x240u);
    EXPECT_EQ(ask(page, 0xD, 0, 0x3).ebx, 0x240u);
    EXPECT_EQ(ask(page, 0xD, 0, 0x7).ebx, 0x340u);
    EXPECT_EQ(ask(page, 0xD, 0, 0x207).ebx, 0xA88u);
    // The other registers come from the base entry, not the XCR0 = 7 one.
    EXPECT_EQ(ask(page, 0xD, 0, 0x7).eax, 0x207u);
    EXPECT_EQ(ask(page, 0xD, 0, 0x7).ecx, 0x988u);
    // Compacted form (sub-leaf 1): 0x240 plus each enabled component's size, XSS included.
    EXPECT_EQ(ask(page, 0xD, 1, 0x3).ebx, 0x240u);
    EXPECT_EQ(ask(page, 0xD, 1, 0x7).ebx, 0x340u);
    EXPECT_EQ(ask(page, 0xD, 1, 0x207).ebx, 0x348u);
    EXPECT_EQ(ask(page, 0xD, 1, 0x3, 0x200).ebx, 0x248u);
    EXPECT_EQ(ask(page, 0xD, 1, 0x7).eax, 0xFu);
}

TEST(SnpCpuid, Refusals) {
    CpuidValues v{1, 2, 3, 4};
    auto page = table(kTable);
    // XCR0 enables AVX-512 state (bits 5-7), which the table does not describe.
    EXPECT_NE(uk::sev::snp_cpuid(page.data(), 0xD, 0, 0xE7, 0, &v), nullptr);
    EXPECT_EQ(v.eax | v.ebx | v.ecx | v.edx, 0u);
    EXPECT_NE(uk::sev::snp_cpuid(page.data(), 0xD, 1, 0x7, 1u << 11, &v), nullptr);
    // Sub-leaf 1 without XSAVEC/XSAVES.
    std::vector<E> no_xsavec = kTable;
    no_xsavec[6].eax = 0x1;
    auto page2 = table(no_xsavec);
    EXPECT_NE(uk::sev::snp_cpuid(page2.data(), 0xD, 1, 0x7, 0, &v), nullptr);
    EXPECT_EQ(uk::sev::snp_cpuid(page2.data(), 0xD, 0, 0x7, 0, &v), nullptr);
    // A count the page cannot hold.
    auto bad = table(kTable, 65);
    EXPECT_NE(uk::sev::snp_cpuid_table_check(bad.data()), nullptr);
    EXPECT_NE(uk::sev::snp_cpuid(bad.data(), 0x1, 0, 1, 0, &v), nullptr);
    auto full = table(kTable, 64);
    EXPECT_EQ(uk::sev::snp_cpuid_table_check(full.data()), nullptr);
}

}  // namespace
