#include "launcher/cli/list_command.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "launcher/common/error.hpp"
#include "launcher/host/host_client.hpp"
#include "launcher/oci/enclave_hosts.hpp"
#include "launcher/oci/oci_args.hpp"

namespace er::launcher {
namespace {

using nlohmann::json;

json domain_json(const host::DomainInfo& d) {
    json j{{"member", d.member}, {"name", d.name},    {"slot", d.slot},
           {"state", d.state},   {"status", nullptr}, {"digest", d.digest}};
    if (d.state == "exited") j["status"] = d.status;
    return j;
}

// One host folder: its status from the host, or dead (then removed, under the enclaves lock,
// after checking again that no spawn or host owns it).
json describe(const std::string& enclaves, const std::string& name) {
    std::string dir = enclaves + "/" + name;
    auto record = oci::read_host_record(dir);
    json e{{"dir", dir},
           {"pid", record ? record->pid : 0},
           {"group", record ? record->group : ""},
           {"created", record ? record->created : ""}};
    try {
        host::HostStatus s = host::query_status(dir + "/control.sock");
        e["state"] = s.accepting ? "accepting" : "closing";
        e["pid"] = s.pid;
        e["group"] = s.group;
        e["capacity"] = s.capacity;
        e["members"] = s.members;
        e["added"] = s.added;
        e["log_digest"] = s.log_digest;
        e["domains"] = json::array();
        for (const host::DomainInfo& d : s.domains) e["domains"].push_back(domain_json(d));
        return e;
    } catch (const Error& err) {
        e["error"] = err.what();
    }
    if (record && oci::host_process_alive(*record)) {
        e["state"] = "unreachable";  // alive but not answering (starting, or stuck)
        return e;
    }
    oci::EnclavesLock lock = oci::EnclavesLock::take(enclaves);
    record = oci::read_host_record(dir);
    if (record && oci::host_process_alive(*record)) {
        e["state"] = "starting";  // a spawn held the lock meanwhile
        return e;
    }
    oci::remove_host_dir(dir);
    e["state"] = "dead";
    e["removed"] = true;
    return e;
}

std::string text_of(const json& e) {
    std::string out = e["dir"].get<std::string>() + "\n  pid " +
                      std::to_string(e["pid"].get<int>()) + ", group " +
                      e["group"].get<std::string>() + ", " + e["state"].get<std::string>();
    if (e.contains("members")) {
        out += ", members " + std::to_string(e["members"].get<uint32_t>()) + "/" +
               std::to_string(e["capacity"].get<uint32_t>()) + ", domains added " +
               std::to_string(e["added"].get<uint64_t>());
        if (!e["log_digest"].get<std::string>().empty()) {
            out += "\n  log " + e["log_digest"].get<std::string>();
        }
        for (const json& d : e["domains"]) {
            out += "\n  domain " + d["name"].get<std::string>() + " (" +
                   d["member"].get<std::string>() + "): " + d["state"].get<std::string>();
            if (!d["status"].is_null()) out += " " + std::to_string(d["status"].get<int>());
            if (!d["digest"].get<std::string>().empty()) {
                out += ", digest " + d["digest"].get<std::string>();
            }
        }
    }
    if (e.contains("removed")) out += " (its folder was removed)";
    return out + "\n";
}

}  // namespace

CLI::App* add_list_command(CLI::App& cli, ListOptions& options) {
    CLI::App* list = cli.add_subcommand(
        "list", "Show the shared enclave hosts of an OCI runtime root, their domains and digests");
    list->add_option("--root", options.root,
                     "The OCI runtime's --root (default: enclave-run-oci's default root)")
        ->type_name("DIR");
    list->add_flag("--json", options.json, "One JSON object: {root, enclaves: [...]}");
    return list;
}

int list_command(const ListOptions& options) {
    std::string root = options.root.empty() ? oci::default_root() : options.root;
    std::string enclaves = oci::enclaves_dir(root);
    json all{{"root", root}, {"enclaves", json::array()}};
    for (const std::string& name : oci::host_dir_names(enclaves)) {
        all["enclaves"].push_back(describe(enclaves, name));
    }
    std::string out;
    if (options.json) {
        out = all.dump() + "\n";
    } else if (all["enclaves"].empty()) {
        out = "no enclave hosts under " + enclaves + "\n";
    } else {
        for (const json& e : all["enclaves"]) out += text_of(e);
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

}  // namespace er::launcher
