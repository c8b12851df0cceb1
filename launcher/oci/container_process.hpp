// The container process (docs/oci.md, "The container process"): forked by `create`, left
// behind when create exits (the shim, a subreaper, adopts it), its pid in --pid-file.  It holds
// the container's stdio (create's fds 0-2, or the pty's slave), and its network namespace.
// Then it waits at the start gate (exec.fifo, as runc's init does).
//
// Shared (the default): create has checked the app, packed the rootfs and attached to the
// group's enclave host; when `start` opens the gate the process hands the host the domain (app,
// rootfs image, its own fds 1 and 2) and waits for its end, relaying every terminating signal it
// gets (docker stop's SIGTERM, docker kill -s) to the domain's init as that signal (a handler
// may catch it; an init without one ignores it, as a container's pid 1 does on Linux), and
// exits with the domain's status (its own exit status, or 128+signal when killed).  SIGKILL
// ends the process, and its connection's close ends the domain at once.
//
// Isolated (annotation run.enclave.isolated-vm=true): it loads a one-domain enclave of its own
// into guest memory before it is ready, runs the VM in itself, and a terminating signal ends the
// process and the VM at once.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "launcher/host/host_client.hpp"
#include "launcher/oci/app_resolve.hpp"
#include "launcher/oci/oci_config.hpp"

namespace er::launcher::oci {

struct ContainerLaunch {
    const ContainerConfig& config;
    const ResolvedApp& app;
    std::span<const uint8_t> kernel;       // the embedded unikernel
    std::string fifo_path;                 // the start gate
    int tty_slave = -1;                    // terminal: the pty's slave, else -1
    uint64_t vm_memory = 0;                // guest RAM for the one-domain enclave (isolated)
    host::HostConnection* host = nullptr;  // shared: the attached enclave host, else isolated
    int fs_fd = -1;                        // shared: the rootfs's er-fs image (a sealed memfd)
    std::string host_socket;               // shared: its control.sock, for a status query
    std::string id;                        // the container id (the host's member name)
};

// Guest RAM for a container: 64 MiB, or the memory limit plus 64 MiB for the kernel, the
// images and the rootfs when the limit needs more (docs/oci.md, "Memory").
uint64_t vm_memory_for(uint64_t mem_limit);

// Runs in the forked child; never returns.  Closes every descriptor but 0-2 and `keep_fds`
// (create's lock must not live on in the container).  Reports on `ready_fd`: the one byte 'K'
// once the gate is next (isolated: the enclave loaded), or the error line when preparing failed
// (and exits 1).
[[noreturn]] void container_process_main(const ContainerLaunch& launch, int ready_fd,
                                         const std::vector<int>& keep_fds);

}  // namespace er::launcher::oci
