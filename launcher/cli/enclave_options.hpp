// The options that decide what an enclave is: its memory, unikernel, apps and their
// environment, trees, isolation and confidential mode.  `enclave-run run` and `enclave-attest
// measure` take exactly these, so a verifier measures the enclave with the same command line
// that launches it.
#pragma once

#include <CLI/CLI.hpp>

#include "launcher/cli/run_options.hpp"

namespace er::launcher {

// Adds the options to `cmd` and makes everything from the first positional (APP) on the apps'
// (read it with cmd.remaining() into options.rest: split_app_args).
void add_enclave_options(CLI::App& cmd, RunOptions& options);

}  // namespace er::launcher
