// Host stand-in for unikernel/arch/x86/tlb.hpp (see cpu.hpp here): no TLB to flush on the host.
#pragma once

#include <stdint.h>

namespace uk::x86 {

inline void flush_all_tlbs() {}
inline uint64_t tlb_generation() {
    return 0;
}

}  // namespace uk::x86
