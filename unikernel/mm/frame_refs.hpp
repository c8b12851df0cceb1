// Reference counts of user frames shared copy-on-write between the address spaces of one domain
// (fork: AddressSpace::fork_into).  The frame allocator keeps no per-frame metadata (a frame is
// not touched before it is handed out, so a 1 GiB guest costs the host nothing it does not use),
// and almost every frame has exactly one owner: so only the *extra* references are counted, and
// only for frames that have some.  A count of 0, the state of every frame nobody shared, means
// "one owner".
//
// The counts live in counter pages of 2048 16-bit counters, one page per 8 MiB of RAM, made on
// the first share in that range and freed when its last count drops to 0: a domain that never
// forks costs nothing, and after every sharer is gone the allocator has every frame back (the
// --stats free-frame count is exact).  Counter pages are kernel frames, on no domain's account.
// Pure logic over injected page allocation, unit-tested on the host (tests/unit/mm).
#pragma once

#include <stdint.h>

namespace uk::mm {

class FrameRefs {
  public:
    using AllocPage = uint64_t (*)();  // a zeroed frame, or 0
    using FreePage = void (*)(uint64_t pa);
    using PhysToVirt = void* (*)(uint64_t pa);

    static constexpr uint64_t kCountersPerPage = 2048;  // 16-bit counters in a 4 KiB page
    // RAM covered: 64 GiB (the launcher's maximum is 3 GiB).  A frame above it is never shared:
    // share() says no and the caller copies instead.
    static constexpr uint64_t kMaxFrames = 64ull << 18;
    static constexpr uint64_t kDirEntries = kMaxFrames / kCountersPerPage;

    constexpr FrameRefs(AllocPage alloc, FreePage free, PhysToVirt to_virt)
        : alloc_(alloc), free_(free), to_virt_(to_virt) {}

    // One more reference to frame pa (it had at least one).  False when it cannot be counted (no
    // frame for a counter page, the counter is saturated, pa beyond the covered RAM): the caller
    // then gives the new user a copy of its own instead.
    bool share(uint64_t pa);
    // Drops one reference.  True when it was the last one: the caller frees the frame.
    bool drop(uint64_t pa);
    // References beyond the first (0: one owner).
    uint32_t extra(uint64_t pa) const;
    // Counter pages currently held (the unit tests check that none is left behind).
    uint64_t pages_held() const { return pages_held_; }

  private:
    uint16_t* counter(uint64_t pa) const;

    AllocPage alloc_;
    FreePage free_;
    PhysToVirt to_virt_;
    uint64_t dir_[kDirEntries] = {};      // pa of each counter page, 0 if none
    uint16_t nonzero_[kDirEntries] = {};  // counters in use in each page
    uint64_t pages_held_ = 0;
};

// The kernel's table, over g_frames with uncharged kernel frames (mm/frame_refs.cpp).
extern FrameRefs g_frame_refs;

// Gives up one address space's reference to the user frame of leaf entry `pte`: a kernel-owned
// frame (kPteKernelFrame: vDSO text, clock data) is left alone; a shared one loses a reference;
// the last reference frees the frame and uncharges `account`.  Every user-page teardown goes
// through here (munmap, MADV_DONTNEED, address-space destroy).
class FrameAccount;
void release_user_frame(FrameAccount* account, uint64_t pte);

}  // namespace uk::mm
