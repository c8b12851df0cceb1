// `enclave-run run` options as the user typed them, before validation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace er::launcher {

constexpr const char* kDefaultMemory = "64M";
constexpr uint32_t kDefaultTickMs = 10;
constexpr uint32_t kMaxTickMs = 1000;

struct RunOptions {
    std::optional<std::string> memory;        // total guest RAM; default kDefaultMemory
    std::optional<std::string> timeout;       // seconds, as typed
    std::optional<std::string> kernel;        // overrides the embedded unikernel
    std::optional<std::string> tick_ms;       // scheduler tick, as typed; default kDefaultTickMs
    std::optional<std::string> manifest;      // -f enclave.json
    std::optional<std::string> root;          // --root DIR (one app only)
    std::optional<std::string> output;        // --output DIR
    std::optional<std::string> isolation;     // --isolation, as typed; overrides every app's
    std::optional<std::string> confidential;  // --confidential, as typed; overrides the manifest
    std::optional<std::string> guest_policy;  // --guest-policy LIST, as typed
    std::optional<std::string> asid_budget;   // --asid-budget N, as typed
    std::vector<std::string> env;             // KEY=VALUE, in order, for every app
    std::vector<std::string> tmpfs;           // --tmpfs PATH[:OPTIONS], as typed, for every app
    bool stats = false;
    bool summary = false;
    bool persistent = false;              // --persistent: domains are added after boot
    std::optional<std::string> control;  // --control SOCKET (with --persistent)
    std::optional<std::string> network;  // --network host|none, as typed; default host

    // --attest (docs/launcher.md "Evidence")
    bool attest = false;                  // the guest measures, sends evidence
    std::optional<std::string> nonce;     // --nonce HEX, as typed
    std::optional<std::string> evidence;  // --evidence FILE

    std::vector<std::string> rest;  // APP and everything after it (split_app_args)
};

// Validated --memory in bytes; throws Error with one line otherwise.
uint64_t memory_size_from(const std::string& text);
// Validated --timeout in seconds; throws Error with one line otherwise.
double timeout_from(const std::string& text);
// Validated --tick-ms: whole milliseconds in [0, kMaxTickMs].
uint32_t tick_ms_from(const std::string& text);
// Validated --isolation: "auto", "pagetable" or "mpk" as an er_isolation value.
uint32_t isolation_from(const std::string& text);
// Validated --network: where the enclave's sockets live (docs/network.md).
enum class NetworkMode {
    host,  // the launcher's own network namespace
    none,  // a fresh network namespace with only lo, up
};
NetworkMode network_from(const std::string& text);
// Throws Error unless `kv` is KEY=VALUE with a non-empty KEY.
void check_env_entry(const std::string& kv);

// Runs the enclave; returns enclave-run's exit status.  Throws Error for launcher failures.
int run_command(const RunOptions& options);

}  // namespace er::launcher
