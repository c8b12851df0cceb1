#pragma once

#include <stdint.h>

namespace uk::sys {

// "prlimit64" for 302; "unknown" outside the table.
const char* syscall_name(uint64_t nr);

}  // namespace uk::sys
