// What happens when an app's instruction traps: demand paging is served and the app resumes;
// anything else kills the domain with the Linux signal for that exception (docs/guest.md).
#pragma once

#include "arch/x86/trap_frame.hpp"

namespace uk::domain {

// Returns when the app may resume (the fault was a demand-paging miss).
void handle_user_trap(x86::TrapFrame& frame);

}  // namespace uk::domain
