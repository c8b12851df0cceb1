// `start ID`: opens the start gate for reading, which lets the waiting container process through
// (it writes one byte and goes on to run the enclave), then removes the gate: the container is
// "running" from here on.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "launcher/common/error.hpp"
#include "launcher/oci/commands.hpp"
#include "launcher/oci/state_dir.hpp"

namespace er::launcher::oci {

int start_command(const OciContext& ctx, const std::vector<std::string>& args) {
    ParsedFlags flags = parse_flags(args, {});
    std::string id = single_id(flags.positionals, "start");
    ContainerDir dir = ContainerDir::open(ctx.global.root, id);
    ContainerState state = dir.read_state();
    Status status = dir.status(state);
    if (status == Status::running) throw Error("cannot start an already running container");
    if (status == Status::stopped) throw Error("cannot start a container that has stopped");

    UniqueFd gate(::open(dir.fifo_path().c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!gate.valid()) throw_errno("cannot open the start gate", dir.fifo_path());
    // The container process is blocked in its open for writing; it gets through now and writes
    // one byte.  It may also die meanwhile (killed): then there is no byte and it is said so.
    for (;;) {
        pollfd p{gate.get(), POLLIN, 0};
        int n = ::poll(&p, 1, 100);
        if (n < 0 && errno != EINTR) throw_errno("poll on the start gate failed");
        if (n > 0 && (p.revents & POLLIN)) {
            char byte = 0;
            ssize_t r = ::read(gate.get(), &byte, 1);
            if (r == 1) break;
            if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        }
        if (!container_process_alive(state)) {
            ::unlink(dir.fifo_path().c_str());
            throw Error("cannot start a container that has stopped");
        }
    }
    if (::unlink(dir.fifo_path().c_str()) != 0) throw_errno("cannot remove", dir.fifo_path());
    try {
        run_hooks(state.poststart, "poststart", oci_state_json(state, Status::running, -1));
    } catch (const Error& e) {
        ctx.log.warning(e.what());  // the spec: a poststart failure is a warning only
    }
    return 0;
}

}  // namespace er::launcher::oci
