// The read-only commands: `state ID` (the OCI state JSON), `list [--format table|json]
// [--quiet]`, `ps [--format table|json] ID` (the container's host pids: its one process).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "launcher/common/error.hpp"
#include "launcher/oci/commands.hpp"
#include "launcher/oci/state_dir.hpp"

namespace er::launcher::oci {
namespace {

void print(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
}

std::string format_of(const ParsedFlags& flags) {
    std::string format = flags.value("format").value_or("table");
    if (format != "table" && format != "json") {
        throw Error("invalid format option " + format + " (table or json)");
    }
    return format;
}

}  // namespace

std::string single_id(const std::vector<std::string>& positionals, const char* command) {
    if (positionals.size() != 1) {
        throw Error(std::string(command) + " takes exactly one container id, got " +
                    std::to_string(positionals.size()) + " arguments");
    }
    check_container_id(positionals[0]);
    return positionals[0];
}

int state_command(const OciContext& ctx, const std::vector<std::string>& args) {
    ParsedFlags flags = parse_flags(args, {});
    std::string id = single_id(flags.positionals, "state");
    ContainerDir dir = ContainerDir::open(ctx.global.root, id);
    ContainerState s = dir.read_state();
    print(oci_state_json(s, dir.status(s)));
    return 0;
}

int list_command(const OciContext& ctx, const std::vector<std::string>& args) {
    ParsedFlags flags = parse_flags(args, {{"format", true, "f"}, {"quiet", false, "q"}});
    if (!flags.positionals.empty()) throw Error("list takes no arguments");
    std::string format = format_of(flags);
    nlohmann::json all = nlohmann::json::array();
    std::string table = "ID\tPID\tSTATUS\tBUNDLE\tCREATED\tOWNER\n";
    for (const std::string& id : list_container_ids(ctx.global.root)) {
        try {
            ContainerDir dir = ContainerDir::open(ctx.global.root, id);
            ContainerState s = dir.read_state();
            Status status = dir.status(s);
            all.push_back(nlohmann::json::parse(oci_state_json(s, status, -1)));
            pid_t pid = status == Status::stopped ? 0 : s.pid;
            table += id + "\t" + std::to_string(pid) + "\t" + status_name(status) + "\t" +
                     s.bundle + "\t" + s.created + "\t\n";
        } catch (const Error&) {
            // deleted while listing: not there any more
        }
    }
    if (flags.flag("quiet")) {
        for (const auto& c : all) print(c["id"].get<std::string>() + "\n");
    } else if (format == "json") {
        print(all.dump() + "\n");
    } else {
        print(table);
    }
    return 0;
}

int ps_command(const OciContext& ctx, const std::vector<std::string>& args) {
    ParsedFlags flags = parse_flags(args, {{"format", true, "f"}});
    if (flags.positionals.size() > 1) {
        throw Error("ps options are not supported: a container has one host process");
    }
    std::string id = single_id(flags.positionals, "ps");
    std::string format = format_of(flags);
    ContainerDir dir = ContainerDir::open(ctx.global.root, id);
    ContainerState s = dir.read_state();
    bool alive = dir.status(s) != Status::stopped;
    if (format == "json") {
        print(alive ? "[" + std::to_string(s.pid) + "]\n" : "[]\n");
    } else {
        print("PID\n" + (alive ? std::to_string(s.pid) + "\n" : std::string()));
    }
    return 0;
}

}  // namespace er::launcher::oci
