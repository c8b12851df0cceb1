// brk, mmap, munmap, mprotect, madvise.  Anonymous memory is demand-zero; a file mapping is a
// private copy of the file's pages (sys_mmap_file.cpp).  Policy beyond
// Linux (docs/syscalls.md): no executable mapping (anonymous or file), no W+X, nothing becomes
// executable after load.
#include "domain/domain.hpp"
#include "mm/address_space.hpp"
#include "mm/layout.hpp"
#include "sys/errno.hpp"
#include "sys/sys_mmap_file.hpp"
#include "sys/syscall.hpp"

namespace uk::sys {
namespace {

using mm::kProtExec;
using mm::kProtRead;
using mm::kProtWrite;

constexpr uint64_t kMapShared = 0x01;
constexpr uint64_t kMapPrivate = 0x02;
constexpr uint64_t kMapTypeMask = 0x0F;
constexpr uint64_t kMapFixed = 0x10;
constexpr uint64_t kMapAnonymous = 0x20;
constexpr uint64_t kMap32Bit = 0x40;
constexpr uint64_t kMapFixedNoreplace = 0x100000;

constexpr uint64_t kProtGrowsDown = 0x01000000;
constexpr uint64_t kProtGrowsUp = 0x02000000;

constexpr uint64_t kMadvDontneed = 4;
constexpr uint64_t kMadvFree = 8;

// [start, start + len) rounded to pages and inside the calling domain's part of the user range
// (all of it, or its MPK window), else false.
bool user_range(uint64_t start, uint64_t len, uint64_t* end) {
    uint64_t rounded = mm::page_up(len);
    if (rounded < len) return false;  // overflow
    uint64_t e = start + rounded;
    if (e < start || !process::current().as.layout().contains(start, e)) return false;
    *end = e;
    return true;
}

}  // namespace

int64_t sys_brk(const Args& a) {
    process::Process& d = process::current();
    uint64_t want = a.a0;
    // Linux returns the current break for anything it cannot or will not do.
    // The heap never grows into the mmap area.
    if (want < d.brk_start || want > d.as.layout().brk_limit) return int64_t(d.brk);
    uint64_t old_end = mm::page_up(d.brk);
    uint64_t new_end = mm::page_up(want);
    if (new_end > old_end) {
        if (d.as.vmas().overlaps(old_end, new_end)) return int64_t(d.brk);
        if (d.as.add_region(old_end, new_end, kProtRead | kProtWrite, kProtRead | kProtWrite) != 0)
            return int64_t(d.brk);
    } else if (new_end < old_end) {
        if (d.as.remove_region(new_end, old_end) != 0) return int64_t(d.brk);
    }
    d.brk = want;
    return int64_t(d.brk);
}

int64_t sys_mmap(const Args& a) {
    uint64_t addr = a.a0, len = a.a1, prot = a.a2, flags = a.a3, off = a.a5;
    int64_t fd = int64_t(a.a4);
    process::Process& d = process::current();
    const mm::UserLayout& lay = d.as.layout();

    if (len == 0 || (off & (mm::kPageSize - 1)) != 0) return -kEINVAL;
    uint64_t type = flags & kMapTypeMask;
    if (type != kMapShared && type != kMapPrivate && type != (kMapShared | kMapPrivate))
        return -kEINVAL;
    if (prot & ~uint64_t(kProtRead | kProtWrite | kProtExec | kProtGrowsDown | kProtGrowsUp))
        return -kEINVAL;
    fs::OpenFile* file = nullptr;  // a file mapping: a private copy (sys_mmap_file.cpp)
    uint32_t max_prot = kProtRead | kProtWrite;
    if (!(flags & kMapAnonymous)) {
        if (int64_t r = mmap_file_check(fd, prot, flags, &file, &max_prot); r != 0) return r;
    }
    // No new mapping is executable, a file's either: apps cannot create code after load, so the
    // load-time gadget scan (docs/mpk.md) stays complete.
    if (prot & kProtExec) return -kEPERM;
    uint32_t p = uint32_t(prot & (kProtRead | kProtWrite));
    uint64_t size = mm::page_up(len);
    if (size < len || size > lay.hi - lay.lo) return -kENOMEM;

    uint64_t start = 0;
    if (flags & (kMapFixed | kMapFixedNoreplace)) {
        if (!mm::page_aligned(addr)) return -kEINVAL;
        uint64_t end;
        if (addr < lay.lo) return -kEPERM;
        if (!user_range(addr, size, &end)) return -kENOMEM;
        if (d.as.vmas().overlaps(addr, end)) {
            if (!(flags & kMapFixed) || (flags & kMapFixedNoreplace)) return -kEEXIST;
            if (int r = d.as.remove_region(addr, end); r != 0) return r;
        }
        start = addr;
    } else {
        uint64_t end;
        uint64_t hint = mm::page_down(addr);
        if (hint != 0 && user_range(hint, size, &end) && !d.as.vmas().overlaps(hint, end)) {
            start = hint;
        } else if (flags & kMap32Bit) {
            // Only a page-table domain has the low 2 GiB; an MPK window starts at 4 TiB.
            if (lay.lo < 0x8000'0000ull)
                start = d.as.vmas().find_free_top_down(size, lay.lo, 0x8000'0000ull);
        } else {
            start = d.as.vmas().find_free_top_down(size, mm::page_up(d.brk), lay.mmap_base);
            if (start == 0) start = d.as.vmas().find_free_top_down(size, lay.lo, lay.mmap_base);
        }
        if (start == 0) return -kENOMEM;
    }
    if (int r = d.as.add_region(start, start + size, p, max_prot); r != 0) return r;
    if (file != nullptr) {
        if (int64_t r = mmap_file_fill(file, start, size, off); r != 0) {
            d.as.remove_region(start, start + size);
            return r;
        }
    }
    return int64_t(start);
}

int64_t sys_munmap(const Args& a) {
    uint64_t end;
    if (!mm::page_aligned(a.a0) || a.a1 == 0 || !user_range(a.a0, a.a1, &end)) return -kEINVAL;
    return process::current().as.remove_region(a.a0, end);
}

int64_t sys_mprotect(const Args& a) {
    uint64_t start = a.a0, len = a.a1, prot = a.a2;
    if (!mm::page_aligned(start)) return -kEINVAL;
    if (prot & ~uint64_t(kProtRead | kProtWrite | kProtExec | kProtGrowsDown | kProtGrowsUp))
        return -kEINVAL;
    if (len == 0) return 0;
    uint64_t end;
    if (!user_range(start, len, &end)) return -kENOMEM;
    uint32_t p = uint32_t(prot & (kProtRead | kProtWrite | kProtExec));
    if ((p & kProtWrite) && (p & kProtExec)) return -kEACCES;
    return process::current().as.protect_region(start, end, p);
}

int64_t sys_madvise(const Args& a) {
    uint64_t start = a.a0, len = a.a1, advice = a.a2;
    if (!mm::page_aligned(start)) return -kEINVAL;
    if (len == 0) return 0;
    uint64_t end;
    if (!user_range(start, len, &end)) return -kENOMEM;
    process::Process& d = process::current();
    if (!d.as.vmas().covers(start, end, mm::kProtNone)) return -kENOMEM;
    // DONTNEED must zero (callers rely on it); FREE may, and doing so returns memory at once.
    if (advice == kMadvDontneed || advice == kMadvFree) d.as.discard_pages(start, end);
    return 0;
}

}  // namespace uk::sys
