// Before boot, everything about an app that the unikernel would refuse when it builds the
// domain, so the user gets one line naming the app instead of a guest-side refusal: the load
// rules (executable stack, an image whose .bss cannot fit the address space), the initial stack
// (arguments and environment); isolation.hpp adds what an "mpk" request needs.  The rules are the
// guest's own code or numbers (elf/load_rules.hpp, libos-abi/user_layout.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "launcher/vm/args_blob.hpp"

namespace er::launcher {

// Throws Error "LABEL: WHY" when the guest would not load `app` (a valid ELF: check_app_elf
// accepted it) with `args` into any domain.  `label` names the app (its path).  What depends on
// the isolation request is check_isolation_fits_app's (isolation.hpp).
void check_app_loadable(const std::string& label, std::span<const uint8_t> app,
                        const ArgsBlob& args);

// Throws Error when argv and environment do not fit the initial stack the guest builds.
void check_initial_stack(const std::string& label, const ArgsBlob& args);

// Why the guest would refuse to load `app` whatever its isolation, or an empty string (for
// `enclave-run check`, which reports instead of throwing).
std::string load_refusal(std::span<const uint8_t> app);

}  // namespace er::launcher
