// The container process (docs/oci.md, "The container process"): forked by `create`, left
// behind when create exits (the shim, a subreaper, adopts it), its pid in --pid-file.  It holds
// the container's stdio (create's fds 0-2, or the pty's slave), and its network namespace.
// Before it tells create it is ready it loads the whole enclave (the rootfs packed read-only as
// the domain's tree, the app, the unikernel) into guest memory, so whatever can be wrong with
// the input fails `create`.  Then it waits at the start gate (exec.fifo, as runc's init does),
// and when `start` opens it runs the one-domain enclave in itself and exits with the domain's
// status.  A terminating signal (docker stop's SIGTERM, SIGKILL, docker kill -s) ends the
// process and with it the VM, so the shim sees 128+signal, as with runc.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "launcher/oci/app_resolve.hpp"
#include "launcher/oci/oci_config.hpp"

namespace er::launcher::oci {

struct ContainerLaunch {
    const ContainerConfig& config;
    const ResolvedApp& app;
    std::span<const uint8_t> kernel;  // the embedded unikernel
    std::string fifo_path;            // the start gate
    int tty_slave = -1;               // terminal: the pty's slave, else -1
    uint64_t vm_memory = 0;           // guest RAM for the one-domain enclave
};

// Guest RAM for a container: 64 MiB, or the memory limit plus 64 MiB for the kernel, the
// images and the rootfs when the limit needs more (docs/oci.md, "Memory").
uint64_t vm_memory_for(uint64_t mem_limit);

// Runs in the forked child; never returns.  Closes every descriptor but 0-2 and `keep_fds`
// (create's lock must not live on in the container).  Reports on `ready_fd`: the one byte 'K'
// once the enclave is loaded and the gate is next, or the error line when preparing failed (and
// exits 1).
[[noreturn]] void container_process_main(const ContainerLaunch& launch, int ready_fd,
                                         const std::vector<int>& keep_fds);

}  // namespace er::launcher::oci
