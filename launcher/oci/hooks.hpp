// OCI hooks (config.json "hooks") that run on the host, in the runtime's namespaces:
// prestart and createRuntime at create (after the container process exists, so the state's pid
// is real: docker 20.10-27's network hook moves the veth into /proc/PID/ns/net), poststart after
// start and poststop at delete (their failures are warnings, as the spec says).
// createContainer and startContainer would have to run inside the container and are refused.
// Each hook gets the OCI state JSON on stdin; its stdout and stderr are captured (not the
// container's), and a failure names the hook with its exit status and stderr.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace er::launcher::oci {

struct Hook {
    std::string path;               // absolute
    std::vector<std::string> args;  // argv as given (args[0] is argv[0]); empty: {path}
    std::vector<std::string> env;   // the hook's whole environment
    std::optional<int> timeout_s;   // killed after this; none: no limit
};

// Parses one hooks list (config.json "hooks.KIND", or a stored copy); throws Error
// "config.json: hooks.KIND ...".
std::vector<Hook> parse_hooks(const nlohmann::json& list, const std::string& kind);
nlohmann::json hooks_to_json(const std::vector<Hook>& hooks);

// Runs `hooks` in order with `state_json` on stdin; throws Error "KIND hook PATH: WHY" at the
// first that fails (exit status != 0, killed, timed out, cannot run).
void run_hooks(const std::vector<Hook>& hooks, const std::string& kind,
               const std::string& state_json);

}  // namespace er::launcher::oci
