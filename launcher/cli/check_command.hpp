// `enclave-run check APP...`: the WRPKRU/XRSTOR gadget scan of mpk/ (docs/mpk.md), on the host.
// Needs no /dev/kvm: it only reads the files.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace er::launcher {

struct CheckOptions {
    std::vector<std::string> apps;  // as typed
};

// Exit statuses of `check`; 125 (kExitLauncherError) when an app cannot be checked at all.
inline constexpr int kCheckClean = 0;
inline constexpr int kCheckGadgets = 1;

// Adds the `check` subcommand to `cli`, filling `options` when it is parsed.
CLI::App* add_check_command(CLI::App& cli, CheckOptions& options);

// Checks every app in turn and prints one line per finding (stdout), or one error line per app
// that is not a valid static x86-64 ELF (stderr, as `run` words it).  Returns 125 if any app
// could not be checked, else 1 if any has a gadget, else 0.
int check_command(const CheckOptions& options);

}  // namespace er::launcher
