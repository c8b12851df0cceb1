// --guest-policy LIST: the guest owner's SEV policy as a comma list: `debug` (allow the host to
// debug the guest: off by default, and verifiers refuse it by default), `nosmt` (refuse hosts
// with SMT on), `abi=MAJOR.MINOR` (oldest firmware ABI the guest accepts).
#pragma once

#include <string>

#include "sev/launch/confidential_launch.hpp"

namespace er::launcher {

// Throws Error naming the bad item.
sev::GuestPolicy guest_policy_from(const std::string& text);

}  // namespace er::launcher
