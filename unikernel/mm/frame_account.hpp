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

// Bytes -> frames for a limit: whole frames only, and at least one when a limit is set.
constexpr uint64_t limit_frames_for(uint64_t bytes) {
    if (bytes == 0) return 0;
    uint64_t f = bytes / 4096;
    return f == 0 ? 1 : f;
}

}  // namespace uk::mm
