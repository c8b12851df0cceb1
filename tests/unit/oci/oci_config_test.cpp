// config.json: what docker 20.10 sends is accepted (its standard mounts, capabilities, seccomp
// and cgroup settings not applied), process/root/annotations honoured, the memory limit and the
// network namespace mapped, and everything the runtime cannot provide refused with its reason.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "launcher/common/error.hpp"
#include "launcher/oci/oci_config.hpp"

namespace er::launcher::oci {
namespace {

using nlohmann::json;

// The shape docker 20.10.24 writes (../shared/notes/oci.md §1.11), trimmed of repetition.
json docker_spec() {
    return json::parse(R"({
  "ociVersion": "1.0.2-dev",
  "process": {
    "user": {"uid": 0, "gid": 0},
    "args": ["/bin/hello", "a b"],
    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=abc"],
    "cwd": "/",
    "capabilities": {"bounding": ["CAP_CHOWN"], "effective": ["CAP_CHOWN"]},
    "apparmorProfile": "docker-default",
    "oomScoreAdj": 0
  },
  "root": {"path": "/var/lib/docker/overlay2/x/merged"},
  "hostname": "abc",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid"]},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts"},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["ro"]},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup"},
    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue"},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm"},
    {"destination": "/etc/resolv.conf", "type": "bind", "source": "/var/lib/docker/containers/x/resolv.conf", "options": ["rbind", "rprivate"]},
    {"destination": "/etc/hostname", "type": "bind", "source": "/var/lib/docker/containers/x/hostname"},
    {"destination": "/etc/hosts", "type": "bind", "source": "/var/lib/docker/containers/x/hosts"}
  ],
  "linux": {
    "resources": {"devices": [{"allow": false, "access": "rwm"}], "memory": {"disableOOMKiller": false}, "cpu": {"shares": 0}, "blockIO": {"weight": 0}},
    "cgroupsPath": "/docker/x",
    "namespaces": [{"type": "mount"}, {"type": "network"}, {"type": "uts"}, {"type": "pid"}, {"type": "ipc"}],
    "seccomp": {"defaultAction": "SCMP_ACT_ERRNO"},
    "maskedPaths": ["/proc/kcore"],
    "readonlyPaths": ["/proc/bus"]
  }
})");
}

ContainerConfig parse(const json& j, const std::string& bundle = "/b") {
    return parse_config(j.dump(), bundle);
}

// The refusal for `j`: asserts that parsing throws, returns the line.
std::string refusal(const json& j) {
    try {
        parse(j);
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted: " << j.dump();
    return "";
}

TEST(OciConfig, DockerSpecIsAcceptedAndHonoured) {
    ContainerConfig c = parse(docker_spec());
    EXPECT_EQ(c.args, (std::vector<std::string>{"/bin/hello", "a b"}));
    ASSERT_EQ(c.env.size(), 2u);
    EXPECT_EQ(c.env[1], "HOSTNAME=abc");
    EXPECT_EQ(c.rootfs, "/var/lib/docker/overlay2/x/merged");
    EXPECT_FALSE(c.terminal);
    EXPECT_EQ(c.mem_limit, 0u);
    EXPECT_TRUE(c.new_network_namespace);
    EXPECT_FALSE(c.netns_path);
    EXPECT_TRUE(c.annotations.empty());
    // Each kernel filesystem mount is accepted and named as not applied; /dev/shm's tmpfs is
    // provided, and so are the three name resolution files (packed into the tree).
    size_t mounts = 0;
    for (const std::string& s : c.ignored) mounts += s.rfind("mount ", 0) == 0;
    EXPECT_EQ(mounts, 6u);
    ASSERT_EQ(c.tmpfs.size(), 1u);
    EXPECT_EQ(c.tmpfs[0].path, "/dev/shm");
    ASSERT_EQ(c.files.size(), 3u);
    EXPECT_EQ(c.files[0].path, "/etc/resolv.conf");
    EXPECT_EQ(c.files[0].source, "/var/lib/docker/containers/x/resolv.conf");
    EXPECT_EQ(c.files[1].path, "/etc/hostname");
    EXPECT_EQ(c.files[2].path, "/etc/hosts");
}

// containerd's default spec mounts a tmpfs on /run: the domain gets its own, with the size and
// mode asked for; the kernel-only flags change nothing.
TEST(OciConfig, TmpfsMountsBecomeTheDomainsOwnTmpfs) {
    json j = docker_spec();
    j["mounts"].push_back({{"destination", "/run"},
                           {"type", "tmpfs"},
                           {"source", "tmpfs"},
                           {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}});
    j["mounts"].push_back({{"destination", "/var/cache/x/"}, {"type", "tmpfs"}});
    ContainerConfig c = parse(j);
    ASSERT_EQ(c.tmpfs.size(), 3u);
    EXPECT_EQ(c.tmpfs[1].path, "/run");
    EXPECT_EQ(c.tmpfs[1].mode, 0755u);
    EXPECT_EQ(c.tmpfs[1].size, 65536u << 10);
    EXPECT_EQ(c.tmpfs[2].path, "/var/cache/x");
    EXPECT_EQ(c.tmpfs[2].mode, 01777u);
    EXPECT_EQ(c.tmpfs[2].size, 0u);
}

TEST(OciConfig, RelativeRootIsTheBundlesAndTerminalAnnotationsAreRead) {
    json j = docker_spec();
    j["root"]["path"] = "rootfs";
    j["process"]["terminal"] = true;
    j["annotations"] = {{"io.kubernetes.cri.container-type", "container"}};
    ContainerConfig c = parse(j, "/run/b");
    EXPECT_EQ(c.rootfs, "/run/b/rootfs");
    EXPECT_TRUE(c.terminal);
    EXPECT_EQ(c.annotations.at("io.kubernetes.cri.container-type"), "container");
}

TEST(OciConfig, MemoryLimitMapsToTheDomainLimit) {
    json j = docker_spec();
    j["linux"]["resources"]["memory"]["limit"] = 32 << 20;
    EXPECT_EQ(parse(j).mem_limit, 32u << 20);
    j["linux"]["resources"]["memory"]["limit"] = -1;  // the spec's "unlimited"
    EXPECT_EQ(parse(j).mem_limit, 0u);
    j["linux"]["resources"]["memory"]["limit"] = 4096;
    EXPECT_NE(refusal(j).find("below 1 MiB"), std::string::npos);
}

// A relative bind source is the bundle's (as runc reads it).
TEST(OciConfig, RelativeFileMountSourceIsTheBundles) {
    json j = docker_spec();
    j["mounts"][9]["source"] = "files/hosts";
    ContainerConfig c = parse(j, "/run/b");
    ASSERT_EQ(c.files.size(), 3u);
    EXPECT_EQ(c.files[2].path, "/etc/hosts");
    EXPECT_EQ(c.files[2].source, "/run/b/files/hosts");
}

TEST(OciConfig, NetworkNamespacePathIsJoined) {
    json j = docker_spec();
    j["linux"]["namespaces"] = {{{"type", "network"}, {"path", "/var/run/netns/cni-1"}}};
    ContainerConfig c = parse(j);
    EXPECT_FALSE(c.new_network_namespace);
    EXPECT_EQ(c.netns_path, "/var/run/netns/cni-1");
}

TEST(OciConfig, EachRefusalSaysWhy) {
    struct Case {
        const char* what;
        std::function<void(json&)> edit;
        const char* expect;
    };
    std::vector<Case> cases{
        {"version", [](json& j) { j["ociVersion"] = "2.0.0"; },
         "ociVersion 2.0.0 is not supported"},
        {"no version", [](json& j) { j.erase("ociVersion"); }, "ociVersion is missing"},
        {"no process", [](json& j) { j.erase("process"); }, "process is missing"},
        {"empty args", [](json& j) { j["process"]["args"] = json::array(); },
         "process.args is empty"},
        {"args type", [](json& j) { j["process"]["args"] = {1}; }, "must be a string"},
        {"cwd", [](json& j) { j["process"]["cwd"] = "/app"; },
         "process.cwd /app cannot be honoured"},
        {"relative cwd", [](json& j) { j["process"]["cwd"] = "app"; }, "is not absolute"},
        {"no root", [](json& j) { j.erase("root"); }, "root is missing"},
        {"volume",
         [](json& j) {
             j["mounts"].push_back(
                 {{"destination", "/data"}, {"type", "bind"}, {"source", "/srv"}});
         },
         "mount on /data (type bind, source /srv) cannot be provided"},
        {"bind of another single file",
         [](json& j) {
             j["mounts"].push_back({{"destination", "/etc/passwd"},
                                    {"type", "bind"},
                                    {"source", "/var/lib/docker/containers/x/passwd"}});
         },
         "mount on /etc/passwd (type bind, source /var/lib/docker/containers/x/passwd) cannot be "
         "provided"},
        {"a name resolution file under a tmpfs",
         [](json& j) {
             j["mounts"].push_back({{"destination", "/etc"}, {"type", "tmpfs"}});
         },
         "file mount /etc/resolv.conf: lies inside tmpfs mount /etc (the tmpfs would hide it)"},
        {"read-only tmpfs",
         [](json& j) {
             j["mounts"].push_back({{"destination", "/run"},
                                    {"type", "tmpfs"},
                                    {"source", "tmpfs"},
                                    {"options", {"ro"}}});
         },
         "config.json: tmpfs mount /run: option ro"},
        {"nested tmpfs",
         [](json& j) {
             j["mounts"].push_back({{"destination", "/run"}, {"type", "tmpfs"}});
             j["mounts"].push_back({{"destination", "/run/lock"}, {"type", "tmpfs"}});
         },
         "tmpfs mount /run/lock: lies inside tmpfs mount /run"},
        {"relative tmpfs",
         [](json& j) {
             j["mounts"].push_back({{"destination", "run"}, {"type", "tmpfs"}});
         },
         "tmpfs mount run: the path must be absolute"},
        {"device",
         [](json& j) {
             j["linux"]["devices"] = {
                 {{"path", "/dev/fuse"}, {"type", "c"}, {"major", 10}, {"minor", 229}}};
         },
         "linux.devices: device /dev/fuse cannot be given"},
        {"user ns",
         [](json& j) {
             j["linux"]["namespaces"].push_back({{"type", "user"}});
         },
         "user namespaces are not supported"},
        {"uid map",
         [](json& j) {
             j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
         },
         "user namespaces are not supported"},
        {"hook in the container",
         [](json& j) {
             j["hooks"] = {{"createContainer", {{{"path", "/usr/bin/nvidia-hook"}}}}};
         },
         "hooks.createContainer (/usr/bin/nvidia-hook) cannot be run: a domain has no container"},
        {"relative hook",
         [](json& j) {
             j["hooks"] = {{"prestart", {{{"path", "hook"}}}}};
         },
         "hooks.prestart path hook is not absolute"},
        {"terminal type", [](json& j) { j["process"]["terminal"] = "yes"; }, "must be a boolean"},
    };
    for (const Case& c : cases) {
        json j = docker_spec();
        c.edit(j);
        std::string line = refusal(j);
        EXPECT_EQ(line.rfind("config.json: ", 0), 0u) << c.what << ": " << line;
        EXPECT_NE(line.find(c.expect), std::string::npos) << c.what << ": " << line;
    }
    EXPECT_NE(refusal(json::parse("[1]")).find("not a JSON object"), std::string::npos);
    try {
        parse_config("{not json", "/b");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "config.json: not valid JSON");
    }
}

// docker 20.10-27's network hook: run on the host at create, with the state on stdin.
TEST(OciConfig, HostHooksAreRead) {
    json j = docker_spec();
    j["hooks"] = {{"prestart",
                   {{{"path", "/proc/42/exe"},
                     {"args", {"libnetwork-setkey", "-exec-root=/var/run/docker", "id", "c"}},
                     {"timeout", 5}}}},
                  {"poststop", {{{"path", "/bin/true"}, {"env", {"A=1"}}}}}};
    ContainerConfig c = parse(j);
    ASSERT_EQ(c.prestart.size(), 1u);
    EXPECT_EQ(c.prestart[0].path, "/proc/42/exe");
    EXPECT_EQ(c.prestart[0].args.size(), 4u);
    EXPECT_EQ(c.prestart[0].timeout_s, 5);
    ASSERT_EQ(c.poststop.size(), 1u);
    EXPECT_EQ(c.poststop[0].env, std::vector<std::string>{"A=1"});
    EXPECT_TRUE(c.poststart.empty());
}

TEST(OciConfig, EmptyHookListsAreFine) {
    json j = docker_spec();
    j["hooks"] = {{"prestart", json::array()}, {"poststop", json::array()}};
    EXPECT_NO_THROW(parse(j));
}

}  // namespace
}  // namespace er::launcher::oci
