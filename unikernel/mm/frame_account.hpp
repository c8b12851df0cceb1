// How many frames one domain holds (its user pages and its page tables) against its limit
// (er_domain_desc.mem_limit), and the most it ever held (reported at domain exit).  Pure logic,
// unit-tested on the host; the allocation itself is mm/charged_frames.hpp.
#pragma once

#include <stdint.h>

namespace uk::mm {

class FrameAccount {
  public:
    // limit_frames 0 = no limit but the RAM itself.
    void reset(uint64_t limit_frames) {
        limit_ = limit_frames;
        held_ = peak_ = 0;
        limit_hit_ = false;
    }

    // Takes one frame on account; false (and limit_hit()) when that would pass the limit.
    bool charge() {
        if (limit_ != 0 && held_ >= limit_) {
            limit_hit_ = true;
            return false;
        }
        held_++;
        if (held_ > peak_) peak_ = held_;
        return true;
    }
    void uncharge() {
        if (held_ > 0) held_--;
    }

    uint64_t held() const { return held_; }
    uint64_t peak() const { return peak_; }
    uint64_t limit() const { return limit_; }
    // True once a charge was refused: the next out-of-memory kill says "memory limit exceeded".
    bool limit_hit() const { return limit_hit_; }

  private:
    uint64_t limit_ = 0;
    uint64_t held_ = 0;
    uint64_t peak_ = 0;
    bool limit_hit_ = false;
};

// Frames set aside for the domains with a limit: a limit is a reservation as well as a cap, so a
// domain always gets its whole limit whatever its neighbours take.  reserved() is the sum, over
// the live accounts with a limit, of (limit - held): frames free in the allocator that only their
// owners may take.  Everyone else (domains without a limit, the kernel) takes only from the free
// frames beyond it.  Pure logic, unit-tested on the host; mm/charged_frames.cpp applies it.
class FrameReserve {
  public:
    // Sets `frames` aside when the `free` frames cover them beyond what is set aside already.
    bool reserve(uint64_t frames, uint64_t free) {
        if (free < reserved_ || free - reserved_ < frames) return false;
        reserved_ += frames;
        return true;
    }
    // Returns frames set aside (a frame its owner took, or an ended owner's rest).
    void release(uint64_t frames) { reserved_ -= frames < reserved_ ? frames : reserved_; }
    // A frame its owner gave back goes back to its reservation.
    void give_back() { reserved_++; }
    // Whether a frame not covered by a reservation may be taken while `free` frames are free.
    bool unreserved_available(uint64_t free) const { return free > reserved_; }
    uint64_t reserved() const { return reserved_; }

  private:
    uint64_t reserved_ = 0;
};

// Bytes -> frames for a limit: whole frames only, and at least one when a limit is set.
constexpr uint64_t limit_frames_for(uint64_t bytes) {
    if (bytes == 0) return 0;
    uint64_t f = bytes / 4096;
    return f == 0 ? 1 : f;
}

}  // namespace uk::mm
