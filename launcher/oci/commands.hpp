// The runc commands enclave-run-oci implements (docs/oci.md, "Commands").  Each takes the global
// options and its own arguments (after the command name), prints what runc prints on stdout,
// returns the exit status, and throws Error with the one line the shim gets otherwise.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "launcher/oci/oci_args.hpp"
#include "launcher/oci/oci_log.hpp"

namespace er::launcher::oci {

struct OciContext {
    const GlobalOptions& global;
    const OciLog& log;
    std::span<const uint8_t> kernel;  // the embedded unikernel
    std::string version;
};

int create_command(const OciContext& ctx, const std::vector<std::string>& args);
int start_command(const OciContext& ctx, const std::vector<std::string>& args);
int kill_command(const OciContext& ctx, const std::vector<std::string>& args);
int delete_command(const OciContext& ctx, const std::vector<std::string>& args);
int state_command(const OciContext& ctx, const std::vector<std::string>& args);
int list_command(const OciContext& ctx, const std::vector<std::string>& args);
int ps_command(const OciContext& ctx, const std::vector<std::string>& args);
int features_command(const OciContext& ctx, const std::vector<std::string>& args);
// Internal (not in --help): the shared enclave host process that create spawns.
int enclave_host_command(const OciContext& ctx, const std::vector<std::string>& args);

// Signal number from "15", "TERM" or "SIGTERM" (runc's parseSignal); throws Error.
int parse_signal(const std::string& text);

// The one container id a command takes as its only positional.  Throws Error.
std::string single_id(const std::vector<std::string>& positionals, const char* command);

}  // namespace er::launcher::oci
