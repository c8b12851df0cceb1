// What the unikernel refuses to load, as one rule both sides apply: the guest when it builds a
// domain (unikernel/domain/app_loader.cpp), the launcher before any VM exists
// (launcher/enclave/app_checks.cpp), so a bad app is one line naming it instead of a guest-side
// refusal at boot.  Freestanding and header-only, like the parser it builds on.
#pragma once

#include <stdint.h>

#include "elf/elf.hpp"
#include "libos-abi/user_layout.h"

namespace er::elf {

// Where an image goes in a domain's address space: the part of the guest's mm::UserLayout that
// the load rule reads.
struct LoadWindow {
    uint64_t lo;         // lowest user address the domain may map
    uint64_t pie_bias;   // where a static PIE is loaded
    uint64_t brk_limit;  // the image, .bss included, must end below this (the heap's ceiling)
};

// A page-table domain's window: the whole lower half.
constexpr LoadWindow kWholeUserWindow{ER_USER_MIN, ER_PIE_LOAD_BIAS, ER_USER_BRK_LIMIT};

// Why `img` (a parsed image) cannot be loaded into `w`, or nullptr.  The reasons are the guest's
// words, and the launcher's after the app's name.
inline const char* load_refusal(const Image& img, const LoadWindow& w) {
    if (img.exec_stack) return "app asks for an executable stack (PT_GNU_STACK with PF_X)";
    uint64_t bias = img.pie ? w.pie_bias : 0;
    if (bias + img.lo < w.lo) return "app image starts below the lowest user address";
    if (bias + img.hi < bias || bias + img.hi > w.brk_limit)
        return "app image (its .bss included) does not fit below the mmap area";
    return nullptr;
}

// Whether a static PIE of this image fits a protection-key window (else "mpk" is refused and
// "auto" falls back to page tables).
constexpr bool fits_mpk_window(const Image& img) {
    return img.hi <= ER_MPK_IMAGE_MAX;
}

}  // namespace er::elf
