// Protection keys are scarce: 16 per address space, key 0 reserved (docs/mpk.md "Keys").  The
// pool hands out (space, key) pairs, filling space 0 with keys 1..15 before it opens space 1, so
// the 16th MPK domain spills into a second shared address space and so on.  Pure and
// freestanding: the unikernel owns one, host unit tests check it.
#pragma once

#include <stdint.h>

namespace er::mpk {

constexpr uint32_t kAppKeys = 15;  // keys 1..15 per space
constexpr uint32_t kFirstAppKey = 1;

template <uint32_t MaxSpaces>
class KeyPool {
  public:
    // The lowest free key of the lowest space that has one; false when every space is full.
    bool take(uint32_t* space, uint32_t* key) {
        for (uint32_t s = 0; s < MaxSpaces; s++) {
            for (uint32_t k = kFirstAppKey; k <= kAppKeys; k++) {
                if (used_[s] & (1u << k)) continue;
                used_[s] = uint16_t(used_[s] | (1u << k));
                *space = s;
                *key = k;
                return true;
            }
        }
        return false;
    }

    // Returns a key; a pair that was not taken is ignored (false).
    bool give_back(uint32_t space, uint32_t key) {
        if (space >= MaxSpaces || key < kFirstAppKey || key > kAppKeys) return false;
        if (!(used_[space] & (1u << key))) return false;
        used_[space] = uint16_t(used_[space] & ~(1u << key));
        return true;
    }

    // Keys taken in `space` (0 when out of range).
    uint32_t members(uint32_t space) const {
        return space < MaxSpaces ? uint32_t(__builtin_popcount(used_[space])) : 0;
    }

  private:
    uint16_t used_[MaxSpaces] = {};
};

}  // namespace er::mpk
