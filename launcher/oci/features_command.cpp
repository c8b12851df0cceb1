// `features`: what this runtime can do, in the runtime-spec features.md schema.  docker >= 25
// runs it for every runtime at daemon start and containerd 2.0's shim for RuntimeInfo.  It
// claims only what a domain gets: the host-side hooks, no mount options (so no "rro"), the network
// namespace, no cgroup, seccomp, AppArmor or SELinux.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "launcher/common/error.hpp"
#include "launcher/oci/commands.hpp"

namespace er::launcher::oci {

int features_command(const OciContext& ctx, const std::vector<std::string>& args) {
    ParsedFlags flags = parse_flags(args, {});
    if (!flags.positionals.empty()) throw Error("features takes no arguments");
    nlohmann::ordered_json j;
    j["ociVersionMin"] = "1.0.0";
    j["ociVersionMax"] = "1.2.0";
    j["hooks"] = {"prestart", "createRuntime", "poststart", "poststop"};
    j["mountOptions"] = nlohmann::json::array();
    nlohmann::ordered_json linux_section;
    linux_section["namespaces"] = {"network"};
    linux_section["capabilities"] = nlohmann::json::array();
    linux_section["cgroup"] = {
        {"v1", false}, {"v2", false}, {"systemd", false}, {"systemdUser", false}};
    linux_section["seccomp"] = {{"enabled", false}};
    linux_section["apparmor"] = {{"enabled", false}};
    linux_section["selinux"] = {{"enabled", false}};
    j["linux"] = linux_section;
    j["annotations"] = {{"io.github.enclave-run.version", ctx.version},
                        {"io.github.enclave-run.isolation", "one-domain enclave per container"}};
    std::string text = j.dump(4) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
}

}  // namespace er::launcher::oci
