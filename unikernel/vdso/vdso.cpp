#include "vdso/vdso.hpp"

#include "lib/string.hpp"
#include "mm/charged_frames.hpp"
#include "mm/layout.hpp"
#include "mpk/gadget_scanner.hpp"
#include "vdso/vdso_data.h"

extern "C" const uint8_t er_vdso_image_start[];
extern "C" const uint8_t er_vdso_image_end[];

namespace uk::vdso {
namespace {

// The image is one page today (about 3 KiB); room for growth without a rebuild of the logic.
constexpr uint64_t kMaxImagePages = 4;
// Between the vDSO and the bottom of the stack's 8 MiB: a gap so a stack overflow faults in the
// hole instead of running into the data page.
constexpr uint64_t kGapBelowStack = 1ull << 20;

uint64_t g_data_pa = 0;
uint64_t g_image_pa[kMaxImagePages];
uint64_t g_image_pages = 0;

er_vdso_data* data() {
    return static_cast<er_vdso_data*>(mm::phys_to_virt(g_data_pa));
}

}  // namespace

const char* init() {
    uint64_t size = uint64_t(er_vdso_image_end - er_vdso_image_start);
    uint64_t pages = mm::page_up(size) / mm::kPageSize;
    if (size == 0 || pages > kMaxImagePages) return "vDSO image missing or too large";
    // The vDSO is code in every domain's window: it must pass the same WRPKRU/XRSTOR rule as the
    // apps (docs/mpk.md), or no domain gets it.  Every byte of its one R+X segment counts.
    er::mpk::Finding f[1];
    if (er::mpk::scan_bytes(er_vdso_image_start, size, 0, f, 1).total != 0)
        return "vDSO image carries a WRPKRU/XRSTOR gadget";
    uint64_t pa[kMaxImagePages + 1];
    for (uint64_t i = 0; i <= pages; i++) {
        pa[i] = mm::alloc_charged(nullptr);  // the kernel's, zeroed, never freed
        if (pa[i] == 0) return "out of memory for the vDSO";
    }
    g_data_pa = pa[0];
    for (uint64_t i = 0; i < pages; i++) {
        g_image_pa[i] = pa[i + 1];
        uint64_t off = i * mm::kPageSize;
        uint64_t n = size - off < mm::kPageSize ? size - off : mm::kPageSize;
        memcpy(mm::phys_to_virt(g_image_pa[i]), er_vdso_image_start + off, n);
    }
    g_image_pages = pages;
    data()->mode = ER_VDSO_MODE_SYSCALL;  // until the clock is anchored
    return nullptr;
}

uint64_t image_address(const mm::UserLayout& layout) {
    uint64_t stack_bottom = layout.stack_top - mm::kUserStackSize;
    return mm::page_down(stack_bottom - kGapBelowStack) - g_image_pages * mm::kPageSize;
}

uint64_t map_into(mm::AddressSpace& as) {
    if (g_image_pages == 0) return 0;
    uint64_t image = image_address(as.layout());
    uint64_t data_va = image - mm::kPageSize;
    uint64_t end = image + g_image_pages * mm::kPageSize;
    // Read-only forever: max_prot R for the data page, R|X for the code, so mprotect can never
    // make either writable (and the data page never executable).
    if (as.add_region(data_va, image, mm::kProtRead, mm::kProtRead) != 0) return 0;
    if (as.add_region(image, end, mm::kProtRead | mm::kProtExec, mm::kProtRead | mm::kProtExec) !=
        0) {
        as.remove_region(data_va, image);
        return 0;
    }
    for (uint64_t i = 0; i <= g_image_pages; i++) {
        uint64_t va = data_va + i * mm::kPageSize;
        uint64_t pa = i == 0 ? g_data_pa : g_image_pa[i - 1];
        // The same frames in every space, with this space's key, marked kPteKernelFrame: fork
        // maps them as they are, teardown and munmap drop the entry and never free the frame.
        if (!as.install_kernel_page(va, pa)) {
            // remove_region clears the entries mapped so far without freeing their frames
            // (kPteKernelFrame), and the VMAs.
            as.remove_region(data_va, end);
            return 0;
        }
    }
    return image;
}

void publish_clock(uint64_t tsc, uint64_t monotonic_ns, uint64_t realtime_ns, uint64_t mult) {
    if (g_data_pa == 0) return;
    er_vdso_data* d = data();
    // Odd while writing: a reader that saw the old even value retries (vdso.c read_ns).
    d->seq = d->seq + 1;
    asm volatile("" ::: "memory");
    d->tsc = tsc;
    d->monotonic_ns = monotonic_ns;
    d->realtime_ns = realtime_ns;
    d->mult = mult;
    d->mode = ER_VDSO_MODE_TSC;
    asm volatile("" ::: "memory");
    d->seq = d->seq + 1;
}

}  // namespace uk::vdso
