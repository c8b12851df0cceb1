// File-backed mmap as private copies: the pages are filled from the file when mapped, charged to
// the domain like any other page.  That is MAP_PRIVATE's meaning already (the process's writes
// never reach the file); a read-only MAP_SHARED mapping is the same snapshot, so later writes to
// a /tmp file are not seen through it (docs/syscalls.md).  The read-only tree never changes, so
// there the snapshot is exact.
#include "sys/sys_mmap_file.hpp"

#include "lib/string.hpp"
#include "mm/layout.hpp"
#include "mm/vma.hpp"
#include "process/process.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"

namespace uk::sys {
namespace {

constexpr uint64_t kMapShared = 0x01;
constexpr uint64_t kMapTypeMask = 0x0F;

}  // namespace

int64_t mmap_file_check(int64_t fd, uint64_t prot, uint64_t flags, fs::OpenFile** out,
                        uint32_t* max_prot) {
    fs::OpenFile* f = files().fds.get(int64_t(int32_t(fd)));
    if (f == nullptr) return -kEBADF;
    // Linux's order: an unreadable descriptor first, then a file that cannot be mapped.
    uint32_t acc = f->flags & kOAccmode;
    if (acc == kOWronly) return -kEACCES;
    if (f->kind != fs::FileKind::node || f->node.kind == fs::NodeKind::proc ||
        (files().tree().mode(f->node) & fs::kIfmt) != fs::kIfreg) {
        return -kENODEV;
    }
    if ((flags & kMapTypeMask) == kMapShared) {
        if ((prot & mm::kProtWrite) && acc != kORdwr) return -kEACCES;
        if (prot & mm::kProtWrite) return -kENODEV;  // writes would have to reach the file
        // As Linux: a read-only shared mapping can never be made writable.
        *max_prot = mm::kProtRead;
    } else {
        *max_prot = mm::kProtRead | mm::kProtWrite;  // a private copy
    }
    *out = f;
    return 0;
}

int64_t mmap_file_fill(const fs::OpenFile* f, uint64_t start, uint64_t size, uint64_t off) {
    fs::DomainFiles& df = files();
    mm::AddressSpace& as = process::current().as;
    fs::NodeRef n = f->node;
    uint64_t file_size = df.tree().info(n).size;
    for (uint64_t done = 0; done < size && off + done < file_size; done += mm::kPageSize) {
        uint64_t pa = as.alloc_frame();
        if (pa == 0) return -kENOMEM;
        auto* page = static_cast<uint8_t*>(mm::phys_to_virt(pa));
        uint64_t at = off + done;
        uint64_t want = file_size - at < mm::kPageSize ? file_size - at : mm::kPageSize;
        if (n.kind == fs::NodeKind::ro) {
            er_fs_entry e = df.ro.entry(n.ro);
            memcpy(page, df.ro.data(e) + at, want);
        } else {
            // Page by page of the /tmp file; holes stay zero (the frame came zeroed).
            uint64_t len;
            const uint8_t* src = df.fs(n).read_span(n.tmp, at, &len);
            if (src != nullptr) memcpy(page, src, len < want ? len : want);
        }
        if (!as.install_page(start + done, pa)) {
            as.free_frame(pa);
            return -kENOMEM;
        }
    }
    return 0;
}

}  // namespace uk::sys
