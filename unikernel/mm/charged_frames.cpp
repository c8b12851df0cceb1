#include "mm/charged_frames.hpp"

#include "mm/frame_allocator.hpp"

namespace uk::mm {

uint64_t alloc_charged(FrameAccount* account) {
    if (account != nullptr && !account->charge()) return 0;
    uint64_t pa = g_frames.alloc_zeroed();
    if (pa == 0 && account != nullptr) account->uncharge();
    return pa;
}

void free_charged(FrameAccount* account, uint64_t pa) {
    g_frames.free(pa);
    if (account != nullptr) account->uncharge();
}

}  // namespace uk::mm
