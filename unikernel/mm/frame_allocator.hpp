// Physical frame allocator for [free_start, mem_size).  The launcher backs guest RAM lazily, so
// this allocator must not touch a frame before it is handed out: fresh frames come from a bump
// pointer, and freed frames go on an intrusive free list threaded through the frames themselves.
// Startup cost is O(1) whatever the RAM size, and there is no per-frame metadata.
// Pure logic (frames are reached through a callback), unit-tested on the host.
#pragma once

#include <stdint.h>

namespace uk::mm {

class FrameAllocator {
  public:
    using PhysToVirt = void* (*)(uint64_t pa);

    // [start, end) must be page aligned; pa 0 is never handed out (it means "none").
    void init(uint64_t start, uint64_t end, PhysToVirt to_virt);

    // A frame, contents undefined, or 0 when memory is exhausted.
    uint64_t alloc();
    // A zero-filled frame, or 0.
    uint64_t alloc_zeroed();
    void free(uint64_t pa);

    uint64_t free_frames() const { return (end_ - bump_) / 4096 + free_count_; }
    uint64_t used_frames() const { return total_ - free_frames(); }
    bool owns(uint64_t pa) const { return pa >= start_ && pa < end_; }

  private:
    uint64_t start_ = 0;
    uint64_t end_ = 0;
    uint64_t bump_ = 0;
    uint64_t total_ = 0;
    uint64_t free_head_ = 0;  // pa of the first free-listed frame, 0 if none
    uint64_t free_count_ = 0;
    PhysToVirt to_virt_ = nullptr;
};

// The kernel's one allocator (over boot_info.free_start .. mem_size).
extern FrameAllocator g_frames;

}  // namespace uk::mm
