// A bundle's config.json as the runtime reads it (docs/oci.md, "config.json"): what is honoured
// (process.args, env, terminal, root.path, annotations), mapped (linux.resources.memory.limit to
// the domain's memory limit, a new network namespace to the container process, tmpfs mounts to
// the domain's private tmpfs mounts, the engine's resolv.conf/hosts/hostname bind mounts to files
// of the domain's tree), ignored with
// the reason documented (capabilities, seccomp, cgroups, the mounts docker always adds), and
// refused at create with the reason (a mount, device or hook the runtime cannot provide).
// Pure: parse_config is unit-tested on docker's own spec and on each refusal.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "launcher/fs/file_mount.hpp"
#include "launcher/fs/tmpfs_mount.hpp"
#include "launcher/oci/hooks.hpp"

namespace er::launcher::oci {

struct ContainerConfig {
    std::string oci_version;
    std::vector<std::string> args;  // process.args; args[0] is looked up in the rootfs
    std::vector<std::string> env;   // process.env, KEY=VALUE
    std::string cwd = "/";
    bool terminal = false;
    std::string rootfs;  // root.path, absolute (a relative one is the bundle's)
    std::map<std::string, std::string> annotations;
    uint64_t mem_limit = 0;                 // linux.resources.memory.limit; 0 = none
    bool new_network_namespace = false;     // linux.namespaces has "network" without a path
    std::optional<std::string> netns_path;  // ... or with one: the container process joins it
    std::vector<Hook> prestart, create_runtime, poststart, poststop;  // hooks.hpp
    std::vector<TmpfsMount> tmpfs;  // mounts of type tmpfs: the domain's own tmpfs there
    // Bind mounts of /etc/resolv.conf, /etc/hosts, /etc/hostname: packed into the tree there.
    std::vector<FileMount> files;
    std::vector<std::string> ignored;  // what was accepted but not applied, for --debug
};

// Parses config.json's text for the bundle at `bundle` (an absolute directory).  Throws Error
// "config.json: WHY" for invalid JSON, a missing required field, or anything refused.
ContainerConfig parse_config(const std::string& text, const std::string& bundle);

// Reads BUNDLE/config.json (at most 4 MiB) and parses it.
ContainerConfig read_config(const std::string& bundle);

}  // namespace er::launcher::oci
