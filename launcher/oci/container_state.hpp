// What the runtime remembers about a container (<root>/<id>/state.json) and the OCI state it
// prints (`state`, `list`).  The status is derived, never stored, as runc does: the container
// process alive (same pid, same start time) and its start gate still there is "created"; alive
// without the gate is "running"; anything else (gone, a zombie, a reused pid) is "stopped".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "launcher/oci/hooks.hpp"

namespace er::launcher::oci {

enum class Status { created, running, stopped };

const char* status_name(Status s);

struct ContainerState {
    std::string id;
    std::string bundle;
    std::string rootfs;
    pid_t pid = 0;
    uint64_t pid_start_time = 0;  // /proc/PID/stat field 22: tells a reused pid apart
    std::string created;          // RFC 3339
    std::map<std::string, std::string> annotations;
    std::vector<Hook> poststart, poststop;  // run by start and delete, after create is gone
};

// The stored record and back; state_from_json throws Error "state.json: WHY".
std::string state_to_json(const ContainerState& s);
ContainerState state_from_json(const std::string& text);

// The OCI state (runtime-spec "State", runc's field set): ociVersion, id, pid (0 once
// stopped), status, bundle, rootfs, created, owner, annotations (omitted when empty).
std::string oci_state_json(const ContainerState& s, Status status, int indent = 2);

// The start time of `pid` from /proc/PID/stat, or nullopt when there is no such process or it is
// a zombie (it has exited: only its status is left).
std::optional<uint64_t> process_start_time(pid_t pid);

// Whether the recorded container process is alive (not a zombie, not a reused pid).
bool container_process_alive(const ContainerState& s);

}  // namespace er::launcher::oci
