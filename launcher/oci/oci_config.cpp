#include "launcher/oci/oci_config.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"

namespace er::launcher::oci {
namespace {

using nlohmann::json;

constexpr uint64_t kMaxConfig = 4ull << 20;

[[noreturn]] void refuse(const std::string& why) {
    throw Error("config.json: " + why);
}

const json* member(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return &*it;
}

const json& object_member(const json& obj, const char* key, const std::string& where) {
    const json* m = member(obj, key);
    if (!m) refuse(where + " is missing");
    if (!m->is_object()) refuse(where + " must be an object");
    return *m;
}

std::string string_of(const json& v, const std::string& where) {
    if (!v.is_string()) refuse(where + " must be a string");
    return v.get<std::string>();
}

std::vector<std::string> strings_of(const json* v, const std::string& where) {
    std::vector<std::string> out;
    if (!v) return out;
    if (!v->is_array()) refuse(where + " must be an array of strings");
    for (const json& e : *v) out.push_back(string_of(e, where + " entry"));
    return out;
}

bool is_empty_list(const json* v) {
    return !v || (v->is_array() && v->empty());
}

// The files docker (and podman, and containerd's CRI) writes per container and bind-mounts:
// name resolution (static musl and Go resolvers read them) and the hostname.  Their bytes are
// packed into the domain's tree at their destinations (docs/oci.md "Name resolution files").
bool engine_file(const std::string& dest, const std::string& type) {
    static const std::set<std::string> files{"/etc/resolv.conf", "/etc/hostname", "/etc/hosts"};
    return files.count(dest) && (type == "bind" || type.empty());
}

// The mounts docker, containerd and podman add to every container besides those files: the
// kernel's own filesystems.  A domain has its own view (docs/syscalls.md) and gets none of
// them, so they are accepted and not applied; anything else (a volume, a bind mount, a tmpfs
// elsewhere) would be data the app expects and is refused.
bool standard_mount(const std::string& dest, const std::string& type) {
    static const std::set<std::string> kernel_fs{"/proc",       "/dev", "/dev/pts",      "/dev/shm",
                                                 "/dev/mqueue", "/sys", "/sys/fs/cgroup"};
    return kernel_fs.count(dest) || engine_file(dest, type);
}

void check_mounts(const json* mounts, const std::string& bundle, ContainerConfig& c) {
    if (!mounts) return;
    if (!mounts->is_array()) refuse("mounts must be an array");
    for (const json& m : *mounts) {
        if (!m.is_object()) refuse("mounts entry must be an object");
        const json* d = member(m, "destination");
        if (!d) refuse("mounts entry without a destination");
        std::string dest = string_of(*d, "mounts destination");
        std::string type = member(m, "type") ? string_of(m["type"], "mounts type") : "";
        std::string source = member(m, "source") ? string_of(m["source"], "mounts source") : "";
        // A tmpfs anywhere but /dev (a domain has no device files) is the domain's own tmpfs
        // there, e.g. containerd's /run (launcher/fs/tmpfs_mount.hpp).
        if (type == "tmpfs" && dest != "/dev") {
            try {
                c.tmpfs.push_back(make_tmpfs_mount(
                    dest, strings_of(member(m, "options"), "mounts " + dest + " options")));
            } catch (const Error& e) {
                refuse(e.text());
            }
            continue;
        }
        if (engine_file(dest, type) && !source.empty()) {
            // A relative source is the bundle's, as runc reads it.
            if (source[0] != '/') source = bundle + "/" + source;
            try {
                c.files.push_back(make_file_mount(dest, source));
            } catch (const Error& e) {
                refuse(e.text());
            }
            continue;
        }
        if (standard_mount(dest, type)) {
            c.ignored.push_back("mount " + dest + " (" + (type.empty() ? "bind" : type) + ")");
            continue;
        }
        refuse("mount on " + dest + " (type " + (type.empty() ? "bind" : type) + ", source " +
               source +
               ") cannot be provided: a domain sees only its image's root filesystem, "
               "read-only, and its own tmpfs mounts (volumes and bind mounts are not "
               "supported yet)");
    }
    try {
        check_tmpfs_mounts(c.tmpfs);
        check_file_mounts(c.files, c.tmpfs);
    } catch (const Error& e) {
        refuse(e.text());
    }
}

void read_hooks(const json* hooks, ContainerConfig& c) {
    if (!hooks) return;
    if (!hooks->is_object()) refuse("hooks must be an object");
    for (const auto& [kind, list] : hooks->items()) {
        std::vector<Hook> parsed = parse_hooks(list, kind);
        if (kind == "prestart") {
            c.prestart = std::move(parsed);
        } else if (kind == "createRuntime") {
            c.create_runtime = std::move(parsed);
        } else if (kind == "poststart") {
            c.poststart = std::move(parsed);
        } else if (kind == "poststop") {
            c.poststop = std::move(parsed);
        } else if (!parsed.empty()) {
            // createContainer, startContainer: "in the container namespace", which a domain
            // does not have.
            refuse("hooks." + kind + " (" + parsed[0].path +
                   ") cannot be run: a domain has no container namespace to run it in");
        }
    }
}

void read_linux(const json& linux_section, ContainerConfig& c) {
    if (!linux_section.is_object()) refuse("linux must be an object");
    if (!is_empty_list(member(linux_section, "devices"))) {
        const json& dev = linux_section["devices"][0];
        std::string path = dev.is_object() && dev.contains("path") && dev["path"].is_string()
                               ? dev["path"].get<std::string>()
                               : "?";
        refuse("linux.devices: device " + path +
               " cannot be given to a domain (it has no device files)");
    }
    if (!is_empty_list(member(linux_section, "uidMappings")) ||
        !is_empty_list(member(linux_section, "gidMappings"))) {
        refuse("linux.uidMappings/gidMappings: user namespaces are not supported");
    }
    if (const json* ns = member(linux_section, "namespaces")) {
        if (!ns->is_array()) refuse("linux.namespaces must be an array");
        for (const json& n : *ns) {
            if (!n.is_object() || !n.contains("type"))
                refuse("linux.namespaces entry without type");
            std::string type = string_of(n["type"], "linux.namespaces type");
            const json* path = member(n, "path");
            if (type == "user") refuse("linux.namespaces: user namespaces are not supported");
            if (type != "network") continue;  // the others hold nothing of a domain's
            if (path) {
                c.netns_path = string_of(*path, "linux.namespaces network path");
            } else {
                c.new_network_namespace = true;
            }
        }
    }
    if (const json* res = member(linux_section, "resources")) {
        if (!res->is_object()) refuse("linux.resources must be an object");
        if (const json* mem = member(*res, "memory")) {
            if (!mem->is_object()) refuse("linux.resources.memory must be an object");
            if (const json* limit = member(*mem, "limit")) {
                if (!limit->is_number_integer()) {
                    refuse("linux.resources.memory.limit must be an integer");
                }
                int64_t v = limit->get<int64_t>();
                // -1 is "unlimited" in the spec; 0 is docker's "not set".
                if (v > 0) c.mem_limit = static_cast<uint64_t>(v);
                if (v > 0 && v < (1 << 20)) {
                    refuse("linux.resources.memory.limit " + std::to_string(v) +
                           " is below 1 MiB, too small for a domain");
                }
            }
        }
    }
}

}  // namespace

ContainerConfig parse_config(const std::string& text, const std::string& bundle) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) refuse("not valid JSON");
    if (!j.is_object()) refuse("not a JSON object");
    ContainerConfig c;
    const json* version = member(j, "ociVersion");
    if (!version) refuse("ociVersion is missing");
    c.oci_version = string_of(*version, "ociVersion");
    if (c.oci_version.rfind("1.", 0) != 0) {
        refuse("ociVersion " + c.oci_version + " is not supported (1.0.0 to 1.2.x)");
    }

    const json& process = object_member(j, "process", "process");
    c.args = strings_of(member(process, "args"), "process.args");
    if (c.args.empty() || c.args[0].empty()) refuse("process.args is empty: nothing to run");
    c.env = strings_of(member(process, "env"), "process.env");
    if (const json* cwd = member(process, "cwd")) c.cwd = string_of(*cwd, "process.cwd");
    if (c.cwd.empty() || c.cwd[0] != '/') refuse("process.cwd " + c.cwd + " is not absolute");
    if (c.cwd != "/" && c.cwd != "/.") {
        refuse("process.cwd " + c.cwd +
               " cannot be honoured: a domain starts in / (set no WORKDIR, or use --workdir /)");
    }
    if (const json* t = member(process, "terminal")) {
        if (!t->is_boolean()) refuse("process.terminal must be a boolean");
        c.terminal = t->get<bool>();
    }
    if (member(process, "user")) c.ignored.push_back("process.user (a domain has no users)");
    for (const char* k : {"capabilities", "rlimits", "noNewPrivileges", "apparmorProfile",
                          "selinuxLabel", "oomScoreAdj", "consoleSize"}) {
        if (member(process, k)) c.ignored.push_back(std::string("process.") + k);
    }

    const json& root = object_member(j, "root", "root");
    const json* path = member(root, "path");
    if (!path) refuse("root.path is missing");
    c.rootfs = string_of(*path, "root.path");
    if (c.rootfs.empty()) refuse("root.path is empty");
    if (c.rootfs[0] != '/') c.rootfs = bundle + "/" + c.rootfs;
    // A domain's tree is read-only whatever root.readonly says: docker's default (false) is
    // accepted, the rootfs is simply never written.
    if (const json* ro = member(root, "readonly"); ro && !ro->is_boolean()) {
        refuse("root.readonly must be a boolean");
    }

    if (const json* a = member(j, "annotations")) {
        if (!a->is_object()) refuse("annotations must be an object");
        for (const auto& [k, v] : a->items()) c.annotations[k] = string_of(v, "annotations." + k);
    }
    check_mounts(member(j, "mounts"), bundle, c);
    read_hooks(member(j, "hooks"), c);
    if (const json* l = member(j, "linux")) read_linux(*l, c);
    if (member(j, "hostname")) c.ignored.push_back("hostname");
    return c;
}

ContainerConfig read_config(const std::string& bundle) {
    std::string path = bundle + "/config.json";
    std::vector<uint8_t> bytes =
        read_regular_file(path, kMaxConfig, path + " is larger than 4 MiB", "config file");
    return parse_config(std::string(bytes.begin(), bytes.end()), bundle);
}

}  // namespace er::launcher::oci
