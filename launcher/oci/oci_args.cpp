#include "launcher/oci/oci_args.hpp"

#include <unistd.h>

#include <cstdlib>

#include "launcher/common/error.hpp"

namespace er::launcher::oci {
namespace {

const FlagSpec* find_spec(const std::vector<FlagSpec>& specs, const std::string& name) {
    for (const FlagSpec& s : specs) {
        if (name == s.name || (s.alias && name == s.alias)) return &s;
    }
    return nullptr;
}

}  // namespace

bool ParsedFlags::flag(const std::string& name) const {
    auto it = values.find(name);
    return it != values.end() && it->second != "false";
}

std::optional<std::string> ParsedFlags::value(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
}

ParsedFlags parse_flags(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs) {
    ParsedFlags out;
    size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a.size() < 2 || a[0] != '-') break;  // "-" alone is a positional too, as in Go
        std::string name = a.substr(a[1] == '-' ? 2 : 1);
        std::optional<std::string> inline_value;
        if (size_t eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name.resize(eq);
        }
        const FlagSpec* spec = find_spec(specs, name);
        if (!spec) throw Error("flag provided but not defined: -" + name);
        if (!spec->takes_value) {
            std::string v = inline_value.value_or("true");
            if (v == "1" || v == "t" || v == "T" || v == "TRUE" || v == "True") v = "true";
            if (v == "0" || v == "f" || v == "F" || v == "FALSE" || v == "False") v = "false";
            if (v != "true" && v != "false") {
                throw Error("invalid boolean value \"" + v + "\" for -" + name);
            }
            out.values[spec->name] = v;
            continue;
        }
        if (inline_value) {
            out.values[spec->name] = *inline_value;
        } else if (i + 1 < args.size()) {
            out.values[spec->name] = args[++i];
        } else {
            throw Error("flag needs an argument: -" + name);
        }
    }
    out.positionals.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    return out;
}

GlobalOptions parse_global(const std::vector<std::string>& argv) {
    static const std::vector<FlagSpec> specs{
        {"root", true, nullptr},
        {"log", true, nullptr},
        {"log-format", true, nullptr},
        {"debug", false, nullptr},
        {"systemd-cgroup", false, nullptr},
        {"criu", true, nullptr},
        {"rootless", true, nullptr},
        {"version", false, "v"},
        {"help", false, "h"},
    };
    ParsedFlags flags = parse_flags(argv, specs);
    GlobalOptions g;
    g.root = flags.value("root").value_or(default_root());
    if (g.root.empty()) throw Error("--root must not be empty");
    g.log = flags.value("log");
    if (g.log && g.log->empty()) g.log.reset();
    g.log_format = flags.value("log-format").value_or("text");
    if (g.log_format != "text" && g.log_format != "json") {
        throw Error("invalid log-format: " + g.log_format + " (text or json)");
    }
    g.debug = flags.flag("debug");
    g.systemd_cgroup = flags.flag("systemd-cgroup");
    g.version = flags.flag("version");
    g.help = flags.flag("help");
    if (!flags.positionals.empty()) {
        g.command = flags.positionals[0];
        g.args.assign(flags.positionals.begin() + 1, flags.positionals.end());
    }
    return g;
}

std::string default_root() {
    if (::geteuid() == 0) return "/run/enclave-run-oci";
    if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg) {
        return std::string(xdg) + "/enclave-run-oci";
    }
    return "/tmp/enclave-run-oci-" + std::to_string(::geteuid());
}

void check_container_id(const std::string& id) {
    if (id.empty()) throw Error("container id cannot be empty");
    bool ok = id.size() <= 1024 && id != "." && id != "..";
    for (char c : id) {
        bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '+' || c == '-' || c == '.';
        ok = ok && allowed;
    }
    if (!ok) throw Error("invalid container id format: " + id);
}

}  // namespace er::launcher::oci
