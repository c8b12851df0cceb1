// Host stand-in for unikernel/arch/x86/cpu.hpp, for the memory-management code compiled into the
// fuzz targets (tests/fuzz/CMakeLists.txt puts this folder first on the include path).  No
// address space is ever live on the host, so there is no CR3 to read and no TLB to invalidate.
#pragma once

#include <stdint.h>

namespace uk::x86 {

inline uint64_t read_cr3() {
    return 0;
}
inline void invlpg(uint64_t) {}

}  // namespace uk::x86
