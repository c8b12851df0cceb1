// The C memory primitives.  GCC emits calls to memcpy/memset/memmove/memcmp even in freestanding
// code (struct copies, zero-initialisation), so the kernel defines them with C linkage
// (lib/string.cpp).  Host unit tests of pure kernel files get the C library's instead.
#pragma once

#include <stddef.h>

#if __STDC_HOSTED__
#include <string.h>
#else
extern "C" {
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
}
#endif
