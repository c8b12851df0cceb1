// Which shared enclave a container joins (docs/oci.md, "Shared enclaves"): its group, from its
// config.json annotations, and the folder names of the group's enclave hosts under
// <root>/enclaves/.  Pure: unit-tested on the annotations each engine writes.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace er::launcher::oci {

// The annotations the rule reads, in the order it reads them.
inline constexpr const char* kCriSandboxId = "io.kubernetes.cri.sandbox-id";     // containerd CRI
inline constexpr const char* kCrioSandboxId = "io.kubernetes.cri-o.SandboxID";   // CRI-O
inline constexpr const char* kGroupAnnotation = "run.enclave.group";             // anyone
inline constexpr const char* kIsolatedVmAnnotation = "run.enclave.isolated-vm";  // opt-out
inline constexpr const char* kDefaultGroup = "default";

// The group: a Kubernetes pod's sandbox id (so a pod is one enclave), else run.enclave.group,
// else "default".  An empty value counts as absent.
std::string group_of(const std::map<std::string, std::string>& annotations);

// run.enclave.isolated-vm: "true" gives the container a one-domain VM of its own (the
// pre-shared mode), "false" or absent the shared enclave.  Throws Error for any other value.
bool isolated_vm_requested(const std::map<std::string, std::string>& annotations);

// The stem of a group's host folders: the group itself when it is a safe file name
// ([A-Za-z0-9_.-], 1 to 64 bytes, not starting with '.'), else "g-" and 16 hex digits of a
// 64-bit FNV-1a hash of it (host.json names the group, so a collision is told apart).
std::string group_stem(const std::string& group);

// The folder of the group's n-th host: "STEM.N".
std::string host_dir_name(const std::string& group, unsigned n);

// The N of a folder name "STEM.N" whose stem is `stem`; nullopt for any other name.
std::optional<unsigned> host_dir_index(const std::string& name, const std::string& stem);

}  // namespace er::launcher::oci
