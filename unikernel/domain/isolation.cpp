#include "domain/isolation.hpp"

#include "elf/load_rules.hpp"
#include "lib/format.hpp"
#include "libos-abi/enclave_abi.h"
#include "mpk/gadget_scanner.hpp"

namespace uk::domain {
namespace {

// The first few gadgets are named; `enclave-run check APP` lists them all.
constexpr size_t kNamed = 3;
er::mpk::Finding g_findings[kNamed];
FixedText<ER_MESSAGE_MAX> g_text;

const char* finish(TextBuffer& t) {
    t.ch('\0');  // callers take a C string
    return t.data();
}

// "1 WRPKRU/XRSTOR gadget: WRPKRU at offset 0x1152" or "4 ...: XRSTOR at offset 0x.., ..., ..."
void describe_gadgets(TextBuffer& t, const er::mpk::ScanResult& r) {
    t.udec(r.total).str(r.total == 1 ? " WRPKRU/XRSTOR gadget: " : " WRPKRU/XRSTOR gadgets: ");
    for (size_t i = 0; i < r.count; i++) {
        if (i > 0) t.str(", ");
        t.str(er::mpk::describe(g_findings[i].kind)).str(" at offset ").hex(g_findings[i].offset);
    }
    if (r.truncated) t.str(", ...");
}

}  // namespace

IsolationChoice choose_isolation(uint32_t requested, bool cpu_has_pku, const er::elf::Image& img,
                                 const uint8_t* file, uint64_t size) {
    IsolationChoice c{ER_ISO_PAGETABLE, nullptr, nullptr};
    if (requested == ER_ISO_PAGETABLE) return c;
    bool want = requested == ER_ISO_MPK;
    g_text.clear();
    if (!cpu_has_pku) {
        if (want) c.error = "isolation mpk needs protection keys, and this CPU has no PKU";
        return c;
    }
    if (!img.pie) {
        if (want) {
            c.error =
                "isolation mpk needs a relocatable app (static PIE); this one is a fixed-address "
                "executable (ET_EXEC)";
        }
        return c;
    }
    // A window holds an image ending below 4 TiB - 72 GiB (the heap and mmap area come after it); a
    // bigger one (a hostile .bss, say) still fits the whole lower half of its own address space.
    if (!er::elf::fits_mpk_window(img)) {
        if (want) {
            c.error = "isolation mpk: the app image is too big for a protection-key window";
        } else {
            c.notice = "app image too big for a protection-key window; isolated with page tables";
        }
        return c;
    }
    er::mpk::ScanResult r = er::mpk::scan_image(img, file, size, g_findings, kNamed);
    if (r.status != er::elf::Status::ok) {
        // The parser accepted these bytes, so the scanner should too; if they ever disagree, fail
        // closed: code that was not scanned never shares an address space.
        if (want) c.error = "isolation mpk: the gadget scan could not read the app";
        return c;
    }
    if (r.total != 0) {
        if (want) {
            g_text.str("isolation mpk refused: the app carries ");
            describe_gadgets(g_text, r);
            c.error = finish(g_text);
        } else {
            g_text.str("app carries ");
            describe_gadgets(g_text, r);
            g_text.str("; isolated with page tables instead of a protection key");
            c.notice = finish(g_text);
        }
        return c;
    }
    c.isolation = ER_ISO_MPK;
    return c;
}

}  // namespace uk::domain
