// Unrecoverable kernel failure: flush what the apps wrote, report ER_EXIT_PANIC with the message,
// and halt with interrupts off.  Never returns, never hangs the host.
#pragma once

#include "lib/format.hpp"

namespace uk {

[[noreturn]] void panic(const char* message);
[[noreturn]] void panic(const TextBuffer& message);

// Logs a kernel line to the host (ER_HC_LOG).  Costs one exit: use for rare events only.
void klog(const TextBuffer& line);
void klog(const char* line);

}  // namespace uk

// Kernel invariant check; failure is a panic naming the condition and place.
#define UK_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) ::uk::panic("assertion failed: " #cond " at " __FILE__ ":" UK_STR(__LINE__)); \
    } while (0)
#define UK_STR(x) UK_STR2(x)
#define UK_STR2(x) #x
