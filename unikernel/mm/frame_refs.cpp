#include "mm/frame_refs.hpp"

#include "mm/charged_frames.hpp"
#include "mm/layout.hpp"
#include "mm/page_table.hpp"

namespace uk::mm {

namespace {

uint64_t alloc_kernel_page() {
    return alloc_charged(nullptr);
}
void free_kernel_page(uint64_t pa) {
    free_charged(nullptr, pa);
}

}  // namespace

// Constant-initialised like every kernel global (no .init_array work; the arrays are .bss).
constinit FrameRefs g_frame_refs{alloc_kernel_page, free_kernel_page, phys_to_virt};

uint16_t* FrameRefs::counter(uint64_t pa) const {
    uint64_t frame = pa / kPageSize;
    if (frame >= kMaxFrames) return nullptr;
    uint64_t page = dir_[frame / kCountersPerPage];
    if (page == 0) return nullptr;
    return static_cast<uint16_t*>(to_virt_(page)) + frame % kCountersPerPage;
}

bool FrameRefs::share(uint64_t pa) {
    uint64_t frame = pa / kPageSize;
    if (frame >= kMaxFrames) return false;
    uint64_t d = frame / kCountersPerPage;
    if (dir_[d] == 0) {
        uint64_t page = alloc_();
        if (page == 0) return false;
        dir_[d] = page;
        pages_held_++;
    }
    uint16_t* c = static_cast<uint16_t*>(to_virt_(dir_[d])) + frame % kCountersPerPage;
    if (*c == 0xFFFF) return false;
    if (*c == 0) nonzero_[d]++;
    (*c)++;
    return true;
}

bool FrameRefs::drop(uint64_t pa) {
    uint16_t* c = counter(pa);
    if (c == nullptr || *c == 0) return true;
    (*c)--;
    if (*c == 0) {
        uint64_t d = pa / kPageSize / kCountersPerPage;
        if (--nonzero_[d] == 0) {
            free_(dir_[d]);
            dir_[d] = 0;
            pages_held_--;
        }
    }
    return false;
}

uint32_t FrameRefs::extra(uint64_t pa) const {
    const uint16_t* c = counter(pa);
    return c == nullptr ? 0 : *c;
}

void release_user_frame(FrameAccount* account, uint64_t pte) {
    if (pte & kPteKernelFrame) return;
    uint64_t pa = pte & kPteAddrMask;
    if (pa == 0) return;
    if (g_frame_refs.drop(pa)) free_charged(account, pa);
}

}  // namespace uk::mm
