// `create [--bundle DIR] [--pid-file FILE] [--console-socket SOCK] [--no-pivot]
// [--no-new-keyring] [--preserve-fds N] ID`: everything checked (config, app, the rootfs packed),
// the container attached to its group's enclave host (one spawned when none accepts), the
// container process forked holding that connection, waiting at its start gate; returns only
// then (the shim reads the pid file at once).
#include <fcntl.h>
#include <limits.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>

#include "launcher/common/error.hpp"
#include "launcher/oci/app_resolve.hpp"
#include "launcher/oci/commands.hpp"
#include "launcher/oci/console_socket.hpp"
#include "launcher/oci/container_process.hpp"
#include "launcher/oci/enclave_group.hpp"
#include "launcher/oci/enclave_hosts.hpp"
#include "launcher/oci/oci_config.hpp"
#include "launcher/oci/rootfs_image.hpp"
#include "launcher/oci/state_dir.hpp"

namespace er::launcher::oci {
namespace {

std::string absolute_dir(const std::string& path) {
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) throw_errno("bundle cannot be resolved", path);
    struct stat st {};
    if (::stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
        throw Error("bundle is not a directory: " + path);
    return buf;
}

// Everything create made, undone unless create succeeds: the spec says a failed create leaves
// the environment as if it had never been tried.
struct Undo {
    const ContainerDir* dir = nullptr;
    pid_t child = -1;
    bool armed = true;
    ~Undo() {
        if (!armed) return;
        if (child > 0) {
            ::kill(child, SIGKILL);
            while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
            }
            // The container process's socket factory (launcher/net/) dies with it
            // (PR_SET_PDEATHSIG) and, create being its subreaper, is reaped here: nothing of the
            // failed create outlives it.  Bounded: a factory is gone within milliseconds.
            for (int i = 0; i < 100; ++i) {
                pid_t r = ::waitpid(-1, nullptr, WNOHANG);
                if (r < 0 && errno != EINTR) break;  // no child left
                if (r == 0) ::usleep(10000);
            }
        }
        try {
            if (dir) dir->remove();
        } catch (...) {
        }
    }
};

// What the child wrote on the ready pipe: "K", or its error line.
std::string read_ready(int fd) {
    std::string text;
    char buf[512];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    return text;
}

}  // namespace

int create_command(const OciContext& ctx, const std::vector<std::string>& args) {
    ParsedFlags flags = parse_flags(args, {{"bundle", true, "b"},
                                           {"pid-file", true, nullptr},
                                           {"console-socket", true, nullptr},
                                           {"no-pivot", false, nullptr},
                                           {"no-new-keyring", false, nullptr},
                                           {"preserve-fds", true, nullptr},
                                           {"detach", false, "d"}});
    std::string id = single_id(flags.positionals, "create");
    std::string bundle = absolute_dir(flags.value("bundle").value_or("."));
    int preserve = 0;
    if (auto p = flags.value("preserve-fds")) {
        char* end = nullptr;
        long v = std::strtol(p->c_str(), &end, 10);
        if (p->empty() || *end || v < 0 || v > 1024) throw Error("invalid --preserve-fds " + *p);
        preserve = static_cast<int>(v);
    }

    // Checks first, before anything exists: a refused config leaves nothing behind.
    ContainerConfig config = read_config(bundle);
    for (const std::string& what : config.ignored) ctx.log.debug("accepted, not applied: " + what);
    auto console = flags.value("console-socket");
    if (config.terminal && !console) {
        throw Error("process.terminal is true but no --console-socket was given");
    }
    if (!config.terminal && console) {
        throw Error("--console-socket was given but process.terminal is false");
    }
    ResolvedApp app = resolve_app(config.rootfs, config.args[0], config.env);
    bool isolated = isolated_vm_requested(config.annotations);
    HostSettings settings = host_settings_from_env();
    UniqueFd fs_image;
    if (!isolated) fs_image = pack_rootfs_image(config.rootfs, config.tmpfs, config.files);

    ContainerDir dir = ContainerDir::create(ctx.global.root, id);
    Undo undo;
    undo.dir = &dir;
    if (::mkfifo(dir.fifo_path().c_str(), 0622) != 0) {
        throw_errno("cannot create the start gate", dir.fifo_path());
    }
    std::optional<Pty> pty;
    if (config.terminal) pty = open_pty();

    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) throw_errno("pipe failed");
    UniqueFd ready_read(ready[0]), ready_write(ready[1]);
    ContainerLaunch launch{config,
                           app,
                           ctx.kernel,
                           dir.fifo_path(),
                           pty ? pty->slave.get() : -1,
                           vm_memory_for(config.mem_limit),
                           nullptr,
                           -1,
                           {},
                           {}};
    // The membership is this connection: the container process inherits it, and whenever that
    // process ends (its domain's end, SIGKILL, delete), the host sees it close.
    std::optional<JoinedHost> host;
    if (!isolated) {
        host.emplace(join_group(ctx.global.root, group_of(config.annotations), id, settings));
        launch.host = &host->conn;
        launch.fs_fd = fs_image.get();
        launch.host_socket = host->dir + "/control.sock";
        launch.id = id;
        ctx.log.debug("joined the enclave host " + host->dir);
    }
    std::vector<int> keep{ready_write.get(), app.fd.get()};
    if (host) keep.insert(keep.end(), {host->conn.fd(), fs_image.get()});
    if (pty) keep.push_back(pty->slave.get());
    for (int fd = 3; fd < 3 + preserve; ++fd) keep.push_back(fd);

    // Orphans of the container process (its socket factory, should create undo) come to create,
    // not to the engine's subreaper; the setting is not inherited by the child.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    pid_t child = ::fork();
    if (child < 0) throw_errno("fork failed");
    if (child == 0) container_process_main(launch, ready_write.get(), keep);
    undo.child = child;
    ready_write.reset();
    std::string answer = read_ready(ready_read.get());
    if (answer != "K") {
        throw Error(answer.empty() ? std::string("the container process died while loading")
                                   : answer);
    }

    if (pty) {
        send_console(*console, pty->master.get(), pty->name);
        pty.reset();  // the engine holds the master now, the container process the slave
    }
    ContainerState state;
    state.id = id;
    state.bundle = bundle;
    state.rootfs = config.rootfs;
    state.pid = child;
    state.pid_start_time = process_start_time(child).value_or(0);
    state.created = rfc3339_now();
    state.annotations = config.annotations;
    if (state.pid_start_time == 0) throw Error("the container process died while loading");
    state.poststart = config.poststart;
    state.poststop = config.poststop;
    dir.write_state(state);
    // With the container process in place (its pid in the state on the hooks' stdin): docker
    // 20.10-27 wires the network into /proc/PID/ns/net here.  A failure undoes the create.
    std::string oci_state = oci_state_json(state, Status::created, -1);
    run_hooks(config.prestart, "prestart", oci_state);
    run_hooks(config.create_runtime, "createRuntime", oci_state);
    if (auto pid_file = flags.value("pid-file")) {
        // Digits only, no newline: the shim reads it with a bare Atoi.  A relative path is the
        // caller's cwd's, as with runc.
        write_file_atomically(*pid_file, std::to_string(child), 0644);
    }
    undo.armed = false;
    return 0;
}

}  // namespace er::launcher::oci
