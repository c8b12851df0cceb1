#include "mm/frame_allocator.hpp"

#include "lib/string.hpp"

namespace uk::mm {

FrameAllocator g_frames;

void FrameAllocator::init(uint64_t start, uint64_t end, PhysToVirt to_virt) {
    if (start == 0) start = 4096;  // keep 0 free to mean "no frame"
    if (end < start) end = start;
    start_ = start;
    end_ = end;
    bump_ = start;
    total_ = (end - start) / 4096;
    free_head_ = 0;
    free_count_ = 0;
    to_virt_ = to_virt;
}

uint64_t FrameAllocator::alloc() {
    if (free_head_ != 0) {
        uint64_t pa = free_head_;
        free_head_ = *static_cast<uint64_t*>(to_virt_(pa));
        free_count_--;
        return pa;
    }
    if (end_ - bump_ < 4096) return 0;
    uint64_t pa = bump_;
    bump_ += 4096;
    return pa;
}

uint64_t FrameAllocator::alloc_zeroed() {
    uint64_t pa = alloc();
    if (pa != 0) memset(to_virt_(pa), 0, 4096);
    return pa;
}

void FrameAllocator::free(uint64_t pa) {
    *static_cast<uint64_t*>(to_virt_(pa)) = free_head_;
    free_head_ = pa;
    free_count_++;
}

}  // namespace uk::mm
