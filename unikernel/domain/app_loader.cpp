#include "domain/app_loader.hpp"

#include "arch/x86/cpu_features.hpp"
#include "domain/initial_stack.hpp"
#include "proc/proc_files.hpp"
#include "elf/elf.hpp"
#include "elf/load_rules.hpp"
#include "lib/string.hpp"
#include "mm/layout.hpp"
#include "vdso/vdso.hpp"

namespace uk::domain {
namespace {

uint32_t prot_from_elf(uint32_t flags) {
    uint32_t p = 0;
    if (flags & er::elf::kRead) p |= mm::kProtRead;
    if (flags & er::elf::kWrite) p |= mm::kProtWrite;
    if (flags & er::elf::kExec) p |= mm::kProtExec | mm::kProtRead;  // x86 cannot execute-only
    return p;
}

// Rights of one page: the union over every segment touching it (two PT_LOADs may share a page
// at their boundary).
uint32_t page_prot(const er::elf::Image& img, uint64_t page) {
    uint32_t p = 0;
    for (size_t i = 0; i < img.nsegs; i++) {
        const er::elf::Segment& s = img.segs[i];
        if (s.memsz == 0) continue;
        if (page + mm::kPageSize > s.vaddr && page < s.vaddr + s.memsz) p |= prot_from_elf(s.flags);
    }
    return p;
}

// Executable code can never become writable, data never executable.
uint32_t max_prot_for(uint32_t prot) {
    return (prot & mm::kProtExec) ? (mm::kProtRead | mm::kProtExec)
                                  : (mm::kProtRead | mm::kProtWrite);
}

// Page addresses where the rights can change: each segment's first and last page, and the pages
// right after/before them.  Between two consecutive points every page is covered by the same set
// of segments, so the work is O(segments^2) however large the image (a hostile .bss of terabytes
// must not mean a loop over billions of pages).
size_t rights_boundaries(const er::elf::Image& img, uint64_t* out) {
    size_t n = 0;
    out[n++] = img.lo;
    out[n++] = img.hi;
    for (size_t i = 0; i < img.nsegs; i++) {
        const er::elf::Segment& s = img.segs[i];
        if (s.memsz == 0) continue;
        uint64_t first = mm::page_down(s.vaddr);
        uint64_t end = mm::page_up(s.vaddr + s.memsz);
        out[n++] = first;
        out[n++] = first + mm::kPageSize;
        out[n++] = end - mm::kPageSize;
        out[n++] = end;
    }
    // Insertion sort: at most 2 + 4 * kMaxSegments points.
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
            uint64_t t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    }
    return n;
}

// Declares VMAs for the image: runs of pages with equal rights.
const char* add_image_vmas(process::Process& d, const er::elf::Image& img, uint64_t bias) {
    uint64_t points[2 + 4 * er::elf::kMaxSegments];
    size_t n = rights_boundaries(img, points);
    for (size_t i = 0; i + 1 < n; i++) {
        uint64_t start = points[i], end = points[i + 1];
        if (start >= end || start < img.lo || end > img.hi) continue;
        uint32_t p = page_prot(img, start);
        if (p == 0) continue;  // a gap between segments stays unmapped
        if ((p & mm::kProtWrite) && (p & mm::kProtExec))
            return "app has a page that would be both writable and executable";
        if (d.as.add_region(bias + start, bias + end, p, max_prot_for(p)) != 0)
            return "too many memory regions in the app image";
    }
    return nullptr;
}

// Copies each segment's file bytes into frames and maps them; a page shared by two segments gets
// one frame holding both parts.  Pure .bss pages stay unmapped (demand-zero).  The work is bounded
// by the file size, which the parser checked.
const char* populate_image(process::Process& d, const er::elf::Image& img, uint64_t bias,
                           const AppFile& file) {
    for (size_t i = 0; i < img.nsegs; i++) {
        const er::elf::Segment& s = img.segs[i];
        if (s.filesz == 0) continue;
        uint64_t file_end = s.vaddr + s.filesz;
        for (uint64_t page = mm::page_down(s.vaddr); page < file_end; page += mm::kPageSize) {
            uint64_t pa = d.as.page_table().translate(bias + page);
            if (pa == ~0ull) {
                pa = d.as.alloc_frame();
                if (pa == 0) {
                    return d.dom->account.limit_hit() ? "the app image exceeds the memory limit"
                                                 : "out of memory loading the app";
                }
                if (!d.as.install_page(bias + page, pa)) {
                    d.as.free_frame(pa);
                    return "out of memory loading the app";
                }
            }
            auto* dst = static_cast<uint8_t*>(mm::phys_to_virt(pa));
            uint64_t lo = s.vaddr > page ? s.vaddr : page;
            uint64_t hi = file_end < page + mm::kPageSize ? file_end : page + mm::kPageSize;
            // The parser guarantees [offset, offset + filesz) lies inside the file.
            memcpy(dst + (lo - page), file.data + s.offset + (lo - s.vaddr), hi - lo);
        }
    }
    return nullptr;
}

}  // namespace

const char* load_app(process::Process& d, const er::elf::Image& img, const AppFile& file, const ArgBlob& args,
                     const uint8_t entropy[16], EntryState* entry) {
    const mm::UserLayout& lay = d.as.layout();
    // The launcher applied the same rule before boot; this one holds when the host is not
    // trusted to have done so.
    if (const char* err = er::elf::load_refusal(img, {lay.lo, lay.pie_bias, lay.brk_limit}))
        return err;
    uint64_t bias = img.pie ? lay.pie_bias : 0;

    if (const char* err = add_image_vmas(d, img, bias)) return err;
    if (const char* err = populate_image(d, img, bias, file)) return err;

    d.brk_start = d.brk = bias + img.hi;
    if (d.as.add_region(lay.stack_top - mm::kUserStackSize, lay.stack_top,
                        mm::kProtRead | mm::kProtWrite, mm::kProtRead | mm::kProtWrite) != 0)
        return "cannot create the stack";

    StackImage s{};
    s.argc = args.argc;
    s.envc = args.envc;
    s.strings = args.data;
    s.strings_size = args.size;
    s.phdr = bias + img.phdr_vaddr;
    s.phent = img.phentsize;
    s.phnum = img.phnum;
    s.entry = bias + img.entry;
    s.hwcap = x86::g_cpu.hwcap;
    // The vDSO and its clock page, the kernel's frames mapped read-only (0: none, libc then makes
    // syscalls).
    s.sysinfo_ehdr = vdso::map_into(d.as);
    memcpy(s.random, entropy, sizeof s.random);
    uint64_t rsp = 0;
    if (const char* err = build_initial_stack(s, lay.stack_top, &rsp)) return err;
    proc::note_args(d.slot, lay.stack_top, s);  // /proc/PID/cmdline
    entry->rip = bias + img.entry;
    entry->rsp = rsp;
    return nullptr;
}

}  // namespace uk::domain
