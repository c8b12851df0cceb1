// What the user asked to run, from the command line or a manifest (docs/manifest.md), before any
// file is read: the enclave's global settings and one AppSpec per domain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "launcher/fs/file_mount.hpp"
#include "launcher/fs/tmpfs_mount.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

struct AppSpec {
    std::string name;                 // domain name: unique, [A-Za-z0-9_.-]{1,31}
    std::string path;                 // the app file to read (manifest paths already resolved)
    std::string argv0;                // argv[0]: the app as the user wrote it
    std::vector<std::string> args;    // argv[1..]
    std::vector<std::string> env;     // KEY=VALUE, in order
    uint64_t mem_limit = 0;           // er_domain_desc.mem_limit; 0 = no limit of its own
    std::optional<std::string> root;  // directory packed as the domain's read-only tree
    std::vector<TmpfsMount> tmpfs;    // private writable tmpfs mounts (in the packed tree)
    std::vector<FileMount> files;     // host files packed into the tree (OCI resolv.conf, hosts)
    uint32_t isolation = ER_ISO_AUTO;
    // The network namespace its sockets live in (manifest "network", valid_app_network): "host"
    // the launcher's, "none" a fresh one of its own, "none:NAME" a fresh one shared by every app
    // naming NAME.  nullopt: the enclave's (--network).
    std::optional<std::string> network;
};

// A domain name as the guest and the output prefixes see it.
bool valid_domain_name(const std::string& name);

// An app's "network": "host", "none" or "none:NAME" with NAME as a domain name (1 to 31 of
// [A-Za-z0-9_.-]).
bool valid_app_network(const std::string& text);

// The default name of an app: the basename of its path with characters outside
// [A-Za-z0-9_.-] replaced by '_', cut to fit ER_DOMAIN_NAME_MAX - 1 bytes ("app" if empty).
std::string default_domain_name(const std::string& path);

// Gives every app without a name (empty `name`) its default name, made unique against all other
// names with "-2", "-3", ...  Names already set are kept (the caller checked they are unique).
void assign_domain_names(std::vector<AppSpec>& apps);

// Appends `global` KEY=VALUE entries to `env`, replacing an entry of `env` with the same KEY
// (command-line --env wins over a manifest's per-app env).
void merge_env(std::vector<std::string>& env, const std::vector<std::string>& global);

}  // namespace er::launcher
