// `delete [--force] ID`: a stopped (or still created) container's state goes, and nothing of it
// is left: no file, no process.  A running one needs --force, which SIGKILLs the container
// process and waits until it is gone.  The process may be gone long since (its state shows
// stopped): delete works all the same.
#include <signal.h>
#include <time.h>

#include "launcher/common/error.hpp"
#include "launcher/oci/commands.hpp"
#include "launcher/oci/state_dir.hpp"

namespace er::launcher::oci {
namespace {

// The process is our caller's child (the shim's), not ours: it is gone when /proc says it is a
// zombie or absent.  A SIGKILLed process goes within milliseconds; 10 s is the give-up bound.
void kill_and_wait(const ContainerState& s) {
    ::kill(s.pid, SIGKILL);
    for (int i = 0; i < 10000 && container_process_alive(s); ++i) {
        timespec ms{0, 1000000};
        ::nanosleep(&ms, nullptr);
    }
    if (container_process_alive(s)) {
        throw Error("container process " + std::to_string(s.pid) + " did not die of SIGKILL");
    }
}

}  // namespace

int delete_command(const OciContext& ctx, const std::vector<std::string>& args) {
    ParsedFlags flags = parse_flags(args, {{"force", false, "f"}});
    std::string id = single_id(flags.positionals, "delete");
    ContainerDir dir = ContainerDir::open(ctx.global.root, id);
    ContainerState state;
    bool have_state = true;
    try {
        state = dir.read_state();
    } catch (const Error& e) {
        // A damaged record must not make the container undeletable.
        if (!flags.flag("force")) throw;
        ctx.log.warning(std::string("deleting despite: ") + e.what());
        have_state = false;
    }
    if (have_state) {
        Status status = dir.status(state);
        if (status == Status::running && !flags.flag("force")) {
            throw Error("cannot delete container " + id + " that is not stopped: running");
        }
        // A created container holds nothing but its waiting process: runc deletes it too.
        if (status != Status::stopped) kill_and_wait(state);
        try {
            run_hooks(state.poststop, "poststop", oci_state_json(state, Status::stopped, -1));
        } catch (const Error& e) {
            ctx.log.warning(e.what());  // the spec: a poststop failure is a warning only
        }
    }
    dir.remove();
    return 0;
}

}  // namespace er::launcher::oci
