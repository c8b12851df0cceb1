// `enclave-run platform [--json]`: what this host offers for confidential launch (SNP, SEV-ES,
// SEV) and, for each missing piece, why (sev/platform_report.hpp, docs/sev.md).  Works without
// /dev/kvm: then its first line says so and the CPUID and /dev/sev facts follow.
#pragma once

namespace CLI {
class App;
}

namespace er::launcher {

struct PlatformOptions {
    bool json = false;
};

// Adds the `platform` subcommand to `cli`, filling `options` when it is parsed.
CLI::App* add_platform_command(CLI::App& cli, PlatformOptions& options);

// Probes this host and prints the report to stdout.  Returns 0 whatever the host offers: a
// missing piece is an answer, not a failure.
int platform_command(const PlatformOptions& options);

}  // namespace er::launcher
