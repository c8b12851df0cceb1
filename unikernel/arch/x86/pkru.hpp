// The PKRU register (protection-key rights for user pages; docs/mpk.md "The gate").  WRPKRU and
// RDPKRU need CR4.PKE, which enable_cpu_features() sets when the CPU has PKU.  The values come
// from mpk/pkru.hpp.
#pragma once

#include <stdint.h>

namespace uk::x86 {

inline void write_pkru(uint32_t value) {
    // ECX and EDX must be zero.  "memory": no access to user memory may move across the switch.
    asm volatile("wrpkru" ::"a"(value), "c"(0), "d"(0) : "memory");
}

inline uint32_t read_pkru() {
    uint32_t eax, edx;
    asm volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
    return eax;
}

// Makes PKRU `value`.  RDPKRU is cheap and WRPKRU is not (it orders every later load behind it; an
// emulator may even flush its TLB), so the write happens only when the value differs: the result
// is the same known PKRU either way.
inline void force_pkru(uint32_t value) {
    if (read_pkru() != value) write_pkru(value);
}

}  // namespace uk::x86
