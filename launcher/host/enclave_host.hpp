// The enclave host (docs/launcher.md "Shared enclave host"): one long-lived VMM process, one VM,
// whose domains are OCI containers added while it runs.  It boots a persistent enclave (hot add,
// ABI 5) with no domain of its own, listens on a Unix socket, and serves members: a container
// process attaches (host_client.hpp), runs its app as a hot-added domain whose stdout and stderr
// go to the descriptors it passed, may kill it, and hears its end.  The host ends by itself once
// it has had no member for idle_seconds, or once its measurement log is full and no member is
// left.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace er::launcher::host {

struct EnclaveHostConfig {
    std::string socket_path;                // must not exist; removed when the host ends
    std::string group = "default";          // shown by status
    uint64_t mem_size = uint64_t{1} << 30;  // guest RAM: lazily backed, so only what is used costs
    uint32_t capacity = 16;                 // members at once (at most ER_MAX_DOMAINS)
    double idle_seconds = 10;               // the host ends after this long without a member
    bool attest = true;  // the guest measures each domain; status shows the digests
    // Where the evidence bundle goes (attest): "" = evidence.cbor beside the socket.
    std::string evidence_path;
    // The unikernel: its ELF bytes (the embedded one), or, when empty, the file kernel_path.
    std::span<const uint8_t> kernel;
    std::string kernel_path;
};

// Runs the host to its end in this process (which it owns: SIGPIPE is ignored, the run loop's
// thread is confined by seccomp).  Once the socket listens and the enclave runs, writes one byte
// to `ready_fd` (a spawner then knows it can connect; -1: none); if it cannot get there, writes
// one error line there (and to stderr) and returns non-zero.  Returns 0 after an orderly end
// (idle, or log full), 125 when the VM failed.
int run_enclave_host(const EnclaveHostConfig& config, int ready_fd);

}  // namespace er::launcher::host
