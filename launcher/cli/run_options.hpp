// `enclave-run run` options as the user typed them, before validation.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace er::launcher {

struct RunOptions {
    std::string memory = "64M";
    std::optional<std::string> timeout;  // seconds, as typed
    std::optional<std::string> kernel;   // overrides the embedded unikernel
    std::vector<std::string> env;        // KEY=VALUE, in order
    bool stats = false;
    std::string app;
    std::vector<std::string> args;  // after APP (argv[1..])
};

// Validated --memory in bytes; throws Error with one line otherwise.
uint64_t memory_size_from(const std::string& text);
// Validated --timeout in seconds; throws Error with one line otherwise.
double timeout_from(const std::string& text);
// Throws Error unless `kv` is KEY=VALUE with a non-empty KEY.
void check_env_entry(const std::string& kv);

// Runs the app; returns enclave-run's exit status.  Throws Error for launcher failures.
int run_command(const RunOptions& options);

}  // namespace er::launcher
