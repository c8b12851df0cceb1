// PKRU values (docs/mpk.md "The gate").  PKRU holds two bits per protection key: AD (bit 2k, no
// data access) and WD (bit 2k+1, no writes).  Pure and freestanding: used by the unikernel and
// checked by host unit tests.
#pragma once

#include <stdint.h>

namespace er::mpk {

constexpr uint32_t kKeys = 16;
constexpr uint32_t kPkruDenyAll = 0xFFFF'FFFFu;  // AD and WD for keys 0..15

// Rights for code that may touch key `key` and nothing else: every MPK domain runs with its own
// key only; a page-table domain (all its pages carry key 0) with key 0 only.
constexpr uint32_t pkru_only(uint32_t key) {
    return key < kKeys ? kPkruDenyAll & ~(3u << (2 * key)) : kPkruDenyAll;
}

constexpr bool pkru_allows_read(uint32_t pkru, uint32_t key) {
    return key < kKeys && ((pkru >> (2 * key)) & 1u) == 0;
}
constexpr bool pkru_allows_write(uint32_t pkru, uint32_t key) {
    return key < kKeys && ((pkru >> (2 * key)) & 3u) == 0;
}

static_assert(pkru_only(0) == 0xFFFF'FFFCu);
static_assert(pkru_only(15) == 0x3FFF'FFFFu);

}  // namespace er::mpk
