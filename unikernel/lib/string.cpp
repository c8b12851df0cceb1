#include "lib/string.hpp"

#include <stdint.h>

// `rep movsb/stosb` are fast on every CPU since Ivy Bridge / Zen (ERMS) and keep GCC from
// recognising a byte loop and calling memcpy from inside memcpy.
extern "C" void* memcpy(void* dst, const void* src, size_t n) {
    void* d = dst;
    asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

extern "C" void* memmove(void* dst, const void* src, size_t n) {
    auto d = reinterpret_cast<uintptr_t>(dst);
    auto s = reinterpret_cast<uintptr_t>(src);
    if (d <= s || d >= s + n) return memcpy(dst, src, n);
    // Overlapping with dst above src: copy backwards with the direction flag, then restore it
    // (the ABI requires DF clear at every call boundary).
    void* dl = reinterpret_cast<void*>(d + n - 1);
    const void* sl = reinterpret_cast<const void*>(s + n - 1);
    asm volatile("std; rep movsb; cld" : "+D"(dl), "+S"(sl), "+c"(n) : : "memory");
    return dst;
}

extern "C" void* memset(void* dst, int c, size_t n) {
    void* d = dst;
    asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

extern "C" int memcmp(const void* a, const void* b, size_t n) {
    const auto* pa = static_cast<const unsigned char*>(a);
    const auto* pb = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < n; i++) {
        if (pa[i] != pb[i]) return pa[i] < pb[i] ? -1 : 1;
    }
    return 0;
}

extern "C" size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n] != '\0') n++;
    return n;
}
