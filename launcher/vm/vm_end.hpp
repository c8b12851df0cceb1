// How a VM run ended: the launcher's exit status and the one line it prints (if any).
#pragma once

#include <string>

namespace er::launcher {

// Exit statuses of enclave-run (docs/launcher.md).
constexpr int kExitTimeout = 124;
constexpr int kExitLauncherError = 125;
constexpr int kExitSignalBase = 128;

struct VmEnd {
    int status;           // what enclave-run exits with
    std::string message;  // one line without the "enclave-run: " prefix; empty: print nothing
};

}  // namespace er::launcher
