#include "launcher/oci/oci_main.hpp"

#include <cstdio>
#include <cstring>
#include <map>

#include "launcher/common/error.hpp"
#include "launcher/oci/commands.hpp"

namespace er::launcher::oci {
namespace {

constexpr const char* kUsage =
    R"(enclave-run-oci: enclave-run as an OCI runtime (runc's command line; docs/oci.md)

Usage: enclave-run-oci [--root DIR] [--log FILE] [--log-format text|json] [--debug]
                       [--systemd-cgroup] COMMAND [ARGS...]

Commands: create, start, state, kill, delete, list, ps, features.
Every container is a domain hot-added to its group's shared enclave (one VMM process
per group; `enclave-run list` shows them).
)";

// runc commands that exist but that a domain cannot do yet: each refuses with its reason, so
// the engine shows why instead of a silent success.
const std::map<std::string, const char*>& unsupported() {
    static const std::map<std::string, const char*> m{
        {"exec", "a domain runs only its container's own process (no docker exec yet)"},
        {"run", "use create and start"},
        {"update", "a domain's memory limit is set at create and cannot change"},
        {"pause", "a running domain cannot be paused"},
        {"resume", "a running domain cannot be paused"},
        {"checkpoint", "a domain cannot be checkpointed"},
        {"restore", "a domain cannot be checkpointed"},
        {"events", "there are no event or stats streams (docker stats reads the cgroup)"},
        {"spec", "write config.json with your engine"},
        {"init", "there is no init process to start by hand"},
    };
    return m;
}

}  // namespace

bool oci_mode_selected(int argc, char** argv, int& skip) {
    if (argc < 1 || !argv[0]) return false;
    const char* base = std::strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    if (std::strcmp(base, "enclave-run-oci") == 0) {
        skip = 1;
        return true;
    }
    if (argc >= 2 && std::strcmp(argv[1], "oci") == 0) {
        skip = 2;
        return true;
    }
    return false;
}

int oci_main(int argc, char** argv, int skip, std::span<const uint8_t> kernel,
             const std::string& version) {
    std::vector<std::string> args(argv + skip, argv + argc);
    GlobalOptions global;
    try {
        global = parse_global(args);
    } catch (const Error& e) {
        // No --log is known for sure here: stderr only.
        std::fprintf(stderr, "enclave-run-oci: %s\n", e.what());
        return 1;
    }
    OciLog log(global);
    if (global.version) {
        // go-runc parses "runc version X" from the first line and accepts any other line.
        std::printf("enclave-run-oci version %s\nspec: 1.2.0\n", version.c_str());
        return 0;
    }
    if (global.help || global.command.empty() || global.command == "help") {
        std::fputs(kUsage, global.command.empty() && !global.help ? stderr : stdout);
        return global.command.empty() && !global.help ? 1 : 0;
    }
    OciContext ctx{global, log, kernel, version};
    using Command = int (*)(const OciContext&, const std::vector<std::string>&);
    static const std::map<std::string, Command> commands{
        {"create", create_command},
        {"start", start_command},
        {"kill", kill_command},
        {"delete", delete_command},
        {"state", state_command},
        {"list", list_command},
        {"ps", ps_command},
        {"features", features_command},
        {"enclave-host", enclave_host_command},
    };
    try {
        if (auto it = commands.find(global.command); it != commands.end()) {
            return it->second(ctx, global.args);
        }
        if (auto it = unsupported().find(global.command); it != unsupported().end()) {
            throw Error(global.command + " is not supported by enclave-run: " + it->second);
        }
        throw Error("unknown command " + global.command + " (see enclave-run-oci --help)");
    } catch (const Error& e) {
        log.error(e.what());
    } catch (const std::bad_alloc&) {
        log.error("out of memory");
    } catch (const std::exception& e) {
        log.error(std::string("internal error: ") + e.what());
    }
    return 1;
}

}  // namespace er::launcher::oci
