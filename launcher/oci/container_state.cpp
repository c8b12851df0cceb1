#include "launcher/oci/container_state.hpp"

#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "launcher/common/error.hpp"

namespace er::launcher::oci {

using nlohmann::json;

const char* status_name(Status s) {
    switch (s) {
        case Status::created:
            return "created";
        case Status::running:
            return "running";
        case Status::stopped:
            return "stopped";
    }
    return "stopped";
}

std::string state_to_json(const ContainerState& s) {
    json j;
    j["id"] = s.id;
    j["bundle"] = s.bundle;
    j["rootfs"] = s.rootfs;
    j["pid"] = s.pid;
    j["pid_start_time"] = s.pid_start_time;
    j["created"] = s.created;
    j["annotations"] = s.annotations;
    j["poststart"] = hooks_to_json(s.poststart);
    j["poststop"] = hooks_to_json(s.poststop);
    return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

ContainerState state_from_json(const std::string& text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error("state.json: not a JSON object");
    ContainerState s;
    try {
        s.id = j.at("id").get<std::string>();
        s.bundle = j.at("bundle").get<std::string>();
        s.rootfs = j.at("rootfs").get<std::string>();
        s.pid = j.at("pid").get<pid_t>();
        s.pid_start_time = j.at("pid_start_time").get<uint64_t>();
        s.created = j.at("created").get<std::string>();
        s.annotations = j.at("annotations").get<std::map<std::string, std::string>>();
        if (j.contains("poststart")) s.poststart = parse_hooks(j["poststart"], "poststart");
        if (j.contains("poststop")) s.poststop = parse_hooks(j["poststop"], "poststop");
    } catch (const json::exception& e) {
        throw Error(std::string("state.json: ") + e.what());
    } catch (const Error& e) {
        throw Error(std::string("state.json: ") + e.text());
    }
    if (s.pid <= 0) throw Error("state.json: pid " + std::to_string(s.pid) + " is not a process");
    return s;
}

std::string oci_state_json(const ContainerState& s, Status status, int indent) {
    nlohmann::ordered_json j;
    j["ociVersion"] = "1.2.0";
    j["id"] = s.id;
    j["pid"] = status == Status::stopped ? 0 : s.pid;
    j["status"] = status_name(status);
    j["bundle"] = s.bundle;
    j["rootfs"] = s.rootfs;
    j["created"] = s.created;
    j["owner"] = "";
    if (!s.annotations.empty()) j["annotations"] = s.annotations;
    return j.dump(indent, ' ', false, json::error_handler_t::replace) + "\n";
}

std::optional<uint64_t> process_start_time(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!in || !std::getline(in, line)) return std::nullopt;
    // "PID (COMM) STATE ...": COMM may hold spaces and parentheses, so fields count from the
    // last ')'.  STATE is field 3, starttime field 22.
    size_t close = line.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(line.substr(close + 1));
    std::string field;
    uint64_t start = 0;
    for (int n = 3; n <= 22 && fields >> field; ++n) {
        if (n == 3 && (field == "Z" || field == "X")) return std::nullopt;
        if (n == 22) start = std::stoull(field);
    }
    if (start == 0) return std::nullopt;
    return start;
}

bool container_process_alive(const ContainerState& s) {
    std::optional<uint64_t> start = process_start_time(s.pid);
    return start && *start == s.pid_start_time;
}

}  // namespace er::launcher::oci
