// Splitting `enclave-run run [OPTIONS] APP [ARGS...] [--- APP [ARGS...]]...`: CLI11 stops at the
// first positional (prefix_command), and everything from there on is split here, so options
// after APP always belong to the app, never to enclave-run.
#pragma once

#include <string>
#include <vector>

namespace er::launcher {

struct AppArgs {
    std::string app;                // as typed: the path, and argv[0]
    std::vector<std::string> args;  // argv[1..]
};

// The separator between apps on the command line.
inline constexpr const char* kAppSeparator = "---";

// Splits `rest` (APP and everything after it) at each "---".  A "--" right after an APP is
// dropped (the one-app form `APP -- ARGS` keeps working); a later "--" is an argument.  Throws
// Error for an empty group ("--- with no APP after it"), a group that starts with "--", or a
// first word that looks like an option (an option enclave-run does not know).
std::vector<AppArgs> split_app_args(const std::vector<std::string>& rest);

}  // namespace er::launcher
