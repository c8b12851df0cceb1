// The runc command line as containerd's go-runc and docker build it (docs/oci.md, "Command
// line"): global flags, then the command, then its flags, then its positionals.  Go's flag rules:
// `-flag` and `--flag` are the same, `--flag=value` and `--flag value` both work, a boolean takes
// `--flag=true|false`, and flags stop at the first positional.  Pure: unit-tested on the exact
// argv docker and containerd issue.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace er::launcher::oci {

struct FlagSpec {
    const char* name;   // without dashes, e.g. "pid-file"
    bool takes_value;   // false: a boolean flag
    const char* alias;  // short name ("b" for --bundle) or nullptr
};

struct ParsedFlags {
    std::map<std::string, std::string> values;  // by FlagSpec::name; booleans "true"/"false"
    std::vector<std::string> positionals;       // from the first non-flag on, as given

    bool flag(const std::string& name) const;  // a boolean flag given (and not =false)
    std::optional<std::string> value(const std::string& name) const;
};

// Parses `args` against `specs`; throws Error "flag provided but not defined: -NAME" (Go's
// wording) for an unknown flag and "flag needs an argument: -NAME" for a missing value.
ParsedFlags parse_flags(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs);

struct GlobalOptions {
    std::string root;                 // --root; default_root() when not given
    std::optional<std::string> log;   // --log FILE; errors go to stderr only without it
    std::string log_format = "text";  // --log-format text|json
    bool debug = false;
    bool systemd_cgroup = false;
    bool version = false;           // -v / --version
    bool help = false;              // -h / --help
    std::string command;            // empty with --version/--help alone
    std::vector<std::string> args;  // everything after the command
};

// The global part: runc's global flags (--root, --log, --log-format, --debug, --systemd-cgroup,
// and --criu and --rootless, accepted and ignored), then the command and its arguments.
GlobalOptions parse_global(const std::vector<std::string>& argv);

// /run/enclave-run-oci for root, $XDG_RUNTIME_DIR/enclave-run-oci (else /tmp/enclave-run-oci-UID)
// for anyone else, as runc does with /run/runc.
std::string default_root();

// A container id as runc accepts it: [A-Za-z0-9_+.-]{1,1024}, not "." or "..".  Throws Error.
void check_container_id(const std::string& id);

}  // namespace er::launcher::oci
