// The shared enclave hosts of one --root (docs/oci.md, "Shared enclaves"): each is a long-lived
// `enclave-run-oci enclave-host` process (one VMM, one VM) in <root>/enclaves/STEM.N/, holding
// control.sock (the host's socket), host.json (its pid, start time, group, creation time) and
// host.log (its stderr).  Choosing a host and spawning one happen under <root>/enclaves/.lock, so
// concurrent creates never spawn a second host of a group that one more member would fit in.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "launcher/common/unique_fd.hpp"
#include "launcher/host/host_client.hpp"

namespace er::launcher::oci {

// What a new host is started with; unset = the enclave host's own default.
struct HostSettings {
    std::optional<uint32_t> capacity;  // members at once: ENCLAVE_RUN_OCI_CAPACITY
    std::optional<double> idle_s;      // seconds without members before it ends: ..._IDLE
    std::optional<uint64_t> memory;    // the enclave's RAM: ENCLAVE_RUN_OCI_MEMORY ("512M")
};

// Reads the three variables from the runtime's environment (the engine's daemon passes its own
// down to the runtime).  Throws Error naming the variable when one is malformed.
HostSettings host_settings_from_env();

std::string enclaves_dir(const std::string& root);

struct HostRecord {
    pid_t pid = 0;
    uint64_t pid_start_time = 0;  // tells a reused pid apart
    std::string group;
    std::string created;  // RFC 3339
};

std::string host_record_to_json(const HostRecord& r);
// nullopt when the file is missing or not a record (a host that died before writing it).
std::optional<HostRecord> read_host_record(const std::string& host_dir);
void write_host_record(const std::string& host_dir, const HostRecord& r);
bool host_process_alive(const HostRecord& r);

// flock of <enclaves>/.lock (created, with <enclaves> and its parents, as needed).  Released by
// the destructor, which first removes the lock file and <enclaves> when no host folder is left,
// so the last host to end leaves the root as it found it.  A taker that waited on a lock file
// removed meanwhile notices (a different inode) and takes the new one.
class EnclavesLock {
  public:
    static EnclavesLock take(const std::string& enclaves);
    EnclavesLock(EnclavesLock&&) = default;
    ~EnclavesLock();

  private:
    EnclavesLock(std::string dir, UniqueFd fd) : dir_(std::move(dir)), fd_(std::move(fd)) {}
    std::string dir_;
    UniqueFd fd_;
};

// The host folders under <enclaves> (every group), sorted by name.
std::vector<std::string> host_dir_names(const std::string& enclaves);

// Removes a host folder's files and the folder; missing ones are fine.
void remove_host_dir(const std::string& host_dir);

struct JoinedHost {
    host::HostConnection conn;
    std::string dir;
};

// The container `member` joins `group`: the first of the group's hosts (by N) that accepts the
// attach, else a new host spawned at the lowest free N with `settings`.  Folders of dead hosts
// met on the way are removed.  Throws Error with the new host's own reason when it cannot start.
JoinedHost join_group(const std::string& root, const std::string& group, const std::string& member,
                      const HostSettings& settings);

// Starts `enclave-run-oci enclave-host` for `host_dir` (already created, empty) detached from
// the caller: double fork and setsid (no engine's process-group or `kill --all` reaches it, and
// it outlives the container that started it), stdin/stdout on /dev/null, stderr on host.log,
// every other descriptor closed.  Returns once the host listens; throws Error with the host's
// last line of host.log when it ends first or is not ready within 60 s (then it is killed).
void spawn_host(const std::string& host_dir, const std::string& group,
                const HostSettings& settings);

}  // namespace er::launcher::oci
