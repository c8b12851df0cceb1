// Human-readable names of x86 exception vectors, for kill and panic messages.
#pragma once

#include <stdint.h>

namespace uk::x86 {

// "page fault" for 14; "unexpected interrupt" for vectors >= 32.
const char* exception_name(uint64_t vector);

}  // namespace uk::x86
