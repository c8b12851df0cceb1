// SNP CPUID table lookup; see the header.  XSAVE layout rules: APM vol 1 §11.5 ("XSAVE/XRSTOR"),
// CPUID Fn0000_000D in APM vol 3 appendix E.
#include "sev/snp_cpuid.hpp"

#include "lib/string.hpp"

namespace uk::sev {
namespace {

struct Entry {
    uint32_t eax_in, ecx_in;
    uint64_t xcr0_in, xss_in;
    uint32_t eax, ebx, ecx, edx;
    uint64_t reserved;
};
static_assert(sizeof(Entry) == kSnpCpuidEntrySize, "48-byte CPUID function entries");
static_assert(kSnpCpuidHeaderSize + kSnpCpuidMaxEntries * kSnpCpuidEntrySize <= kSnpCpuidPageSize,
              "the table fits its page");

constexpr uint32_t kXsaveLeaf = 0xD;
constexpr uint32_t kXsaveLegacySize = 0x240;  // legacy area (512) + XSAVE header (64)

uint32_t count_of(const uint8_t* page) {
    uint32_t n;
    memcpy(&n, page, sizeof n);
    return n;
}

Entry entry_at(const uint8_t* page, uint32_t i) {
    Entry e;
    memcpy(&e, page + kSnpCpuidHeaderSize + i * kSnpCpuidEntrySize, sizeof e);
    return e;
}

// Leaves whose output depends on ECX (the sub-leaf), the list Linux uses
// (cpuid_function_is_indexed).
bool is_indexed(uint32_t leaf) {
    switch (leaf) {
        case 0x4:
        case 0x7:
        case 0xB:
        case 0xD:
        case 0xF:
        case 0x10:
        case 0x12:
        case 0x14:
        case 0x17:
        case 0x18:
        case 0x1D:
        case 0x1E:
        case 0x1F:
        case 0x8000001D:
            return true;
        default:
            return false;
    }
}

bool find(const uint8_t* page, uint32_t leaf, uint32_t subleaf, Entry* out) {
    uint32_t n = count_of(page);
    for (uint32_t i = 0; i < n; ++i) {
        Entry e = entry_at(page, i);
        if (e.eax_in != leaf) continue;
        if (is_indexed(leaf) && e.ecx_in != subleaf) continue;
        // 0xD sub-leaves 0 and 1 may appear once per XCR0/XSS the launcher considered; only the
        // base one (XCR0 1 or 3, XSS 0) is used, its sizes are recomputed below.
        if (leaf == kXsaveLeaf && (e.ecx_in == 0 || e.ecx_in == 1) &&
            ((e.xcr0_in != 1 && e.xcr0_in != 3) || e.xss_in != 0))
            continue;
        *out = e;
        return true;
    }
    return false;
}

// The XSAVE area size for the enabled components: standard form, the largest offset + size;
// compacted form (XSAVEC/XSAVES), the legacy area and header plus the sizes in order (without the
// optional 64-byte alignment, as Linux computes it).  False when a component beyond x87/SSE is
// enabled that the table does not describe.
bool xsave_size(const uint8_t* page, uint64_t enabled, bool compacted, uint32_t* size) {
    uint64_t found = 0;
    uint32_t total = kXsaveLegacySize;
    uint32_t n = count_of(page);
    for (uint32_t i = 0; i < n; ++i) {
        Entry e = entry_at(page, i);
        if (e.eax_in != kXsaveLeaf || e.ecx_in < 2 || e.ecx_in > 63) continue;
        uint64_t bit = uint64_t{1} << e.ecx_in;
        if (!(enabled & bit) || (found & bit)) continue;
        found |= bit;
        if (compacted)
            total += e.eax;
        else if (e.ebx + e.eax > total)
            total = e.ebx + e.eax;
    }
    if (found != (enabled & ~uint64_t{3})) return false;
    *size = total;
    return true;
}

}  // namespace

const char* snp_cpuid_table_check(const uint8_t page[kSnpCpuidPageSize]) {
    if (count_of(page) > kSnpCpuidMaxEntries) return "SNP CPUID page: more than 64 entries";
    return nullptr;
}

const char* snp_cpuid(const uint8_t page[kSnpCpuidPageSize], uint32_t leaf, uint32_t subleaf,
                      uint64_t xcr0, uint64_t xss, CpuidValues* out) {
    *out = {0, 0, 0, 0};
    if (const char* why = snp_cpuid_table_check(page)) return why;
    Entry e{};
    if (!find(page, leaf, subleaf, &e)) return nullptr;  // not in the table: all zeros
    CpuidValues v{e.eax, e.ebx, e.ecx, e.edx};
    if (leaf == kXsaveLeaf && (subleaf == 0 || subleaf == 1)) {
        bool compacted = subleaf == 1;
        // Sub-leaf 1 EBX is the compacted size for XCR0 | XSS; it is only defined when XSAVEC
        // (EAX bit 1) or XSAVES (bit 3) exists, which SNP-capable parts always have.
        if (compacted && (v.eax & ((1u << 1) | (1u << 3))) == 0)
            return "SNP CPUID page: leaf 0xD.1 without XSAVEC or XSAVES";
        uint32_t size = 0;
        if (!xsave_size(page, compacted ? xcr0 | xss : xcr0, compacted, &size))
            return "SNP CPUID page: XCR0/XSS enable a component the table does not describe";
        v.ebx = size;
    }
    *out = v;
    return nullptr;
}

}  // namespace uk::sev
