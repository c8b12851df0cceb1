#include "launcher/oci/container_process.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <memory>

#include "launcher/common/error.hpp"
#include "launcher/common/full_write.hpp"
#include "launcher/enclave/enclave_setup.hpp"
#include "launcher/enclave/enclave_spec.hpp"
#include "launcher/net/socket_factory.hpp"
#include "launcher/vm/machine.hpp"
#include "launcher/vm/output.hpp"
#include "launcher/vm/vm_end.hpp"

namespace er::launcher::oci {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kBaseMemory = 64 * kMiB;

void write_text(int fd, const std::string& text) {
    try {
        write_fully(fd, reinterpret_cast<const uint8_t*>(text.data()), text.size());
    } catch (...) {
    }
}

// The engine may have left signals ignored or blocked; the container process must die of
// docker stop's SIGTERM like any container's init would.
void reset_signals() {
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        std::signal(sig, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

void close_other_fds(const std::vector<int>& keep) {
    std::vector<int> open_fds;
    if (DIR* dir = ::opendir("/proc/self/fd")) {
        int own = ::dirfd(dir);
        while (dirent* e = ::readdir(dir)) {
            if (e->d_name[0] == '.') continue;
            int fd = std::atoi(e->d_name);
            if (fd > 2 && fd != own) open_fds.push_back(fd);
        }
        ::closedir(dir);
    }
    for (int fd : open_fds) {
        if (std::find(keep.begin(), keep.end(), fd) == keep.end()) ::close(fd);
    }
}

void take_terminal(int slave) {
    if (::setsid() < 0) throw_errno("setsid failed");
    if (::ioctl(slave, TIOCSCTTY, 0) != 0) throw_errno("cannot make the pty the terminal");
    for (int fd = 0; fd <= 2; ++fd) {
        if (::dup2(slave, fd) < 0) throw_errno("cannot dup the pty");
    }
    ::close(slave);
}

void join_network_namespace(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) throw_errno("cannot open the network namespace", path);
    if (::setns(fd.get(), CLONE_NEWNET) != 0) throw_errno("cannot join", path);
}

// The container's network namespace, chosen as runc does from linux.namespaces: the one at the
// network entry's path; a new one (lo up, nothing else) for an entry without a path; the
// runtime's own without an entry.  A socket factory starts there (the domain's sockets are made
// by it: docs/oci.md "Networking"), and this process enters the namespace too, since the engine
// wires the network into /proc/PID/ns/net of the pid create reports (docker's prestart hook).
SocketFactory enter_network_namespace(const ContainerConfig& c) {
    if (c.netns_path) {
        SocketFactory factory = SocketFactory::in_netns_path(*c.netns_path);
        join_network_namespace(*c.netns_path);
        return factory;
    }
    if (c.new_network_namespace) {
        SocketFactory factory = SocketFactory::in_new_netns();
        join_network_namespace("/proc/" + std::to_string(factory.pid()) + "/ns/net");
        return factory;
    }
    return SocketFactory::in_current_netns();
}

struct Prepared {
    std::unique_ptr<GuestRam> ram;
    DomainLayout domains;
    KernelInput kernel;
};

Prepared prepare(const ContainerLaunch& launch) {
    const ContainerConfig& c = launch.config;
    EnclavePlan plan;
    plan.mem_size = launch.vm_memory;
    AppSpec spec;
    spec.name = default_domain_name(launch.app.path_in_root);
    spec.path = "/proc/self/fd/" + std::to_string(launch.app.fd.get());
    spec.argv0 = c.args[0];
    spec.args.assign(c.args.begin() + 1, c.args.end());
    spec.env = c.env;
    spec.mem_limit = c.mem_limit;
    spec.root = c.rootfs;
    spec.tmpfs = c.tmpfs;  // config.json's tmpfs mounts (oci_config.hpp)
    spec.files = c.files;  // its resolv.conf, hosts, hostname
    plan.apps.push_back(std::move(spec));
    Prepared p;
    p.domains = load_enclave_domains(plan, p.ram);
    p.kernel = load_kernel_input(std::nullopt, launch.kernel);
    return p;
}

// Blocks until `start` opens the gate for reading, then tells it we passed.
void wait_at_gate(const std::string& fifo) {
    int fd;
    do {
        fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) throw_errno("cannot open the start gate", fifo);
    write_text(fd, "0");
    ::close(fd);
}

// The signals the container process relays to its domain's init (the host sends them as
// signals, ER_POLL_SIGNAL; SIGKILL cannot be caught here: it ends this process, and the host
// kills the domain when the connection closes): every one whose default action ends a process,
// but not those the kernel raises for the process's own faults, SIGPIPE (ignored: a write to a
// host that is gone is an error, not a death), and none that is ignored or stops by default.
sigset_t forwarded_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig = 1; sig < NSIG; ++sig) {
        switch (sig) {
            case SIGKILL:
            case SIGSTOP:
            case SIGSEGV:
            case SIGBUS:
            case SIGFPE:
            case SIGILL:
            case SIGTRAP:
            case SIGSYS:
            case SIGPIPE:
            case SIGCHLD:
            case SIGCONT:
            case SIGURG:
            case SIGWINCH:
            case SIGTSTP:
            case SIGTTIN:
            case SIGTTOU:
                continue;
            default:
                sigaddset(&set, sig);  // fails, harmlessly, for the C library's reserved ones
        }
    }
    return set;
}

// Shared: the domain is run by the enclave host; this process relays signals and its end.
int run_in_shared_host(const ContainerLaunch& launch, SocketFactory& net) {
    host::HostConnection& conn = *launch.host;
    const ContainerConfig& c = launch.config;
    std::signal(SIGPIPE, SIG_IGN);
    sigset_t set = forwarded_signals();
    if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) throw_errno("sigprocmask failed");
    UniqueFd signals(::signalfd(-1, &set, SFD_CLOEXEC));
    if (!signals.valid()) throw_errno("signalfd failed");
    host::DomainRequest request;
    request.argv = c.args;
    request.env = c.env;
    request.mem_limit = c.mem_limit;
    request.app_fd = launch.app.fd.get();
    request.fs_fd = launch.fs_fd;
    request.stdout_fd = STDOUT_FILENO;
    request.stderr_fd = STDERR_FILENO;
    // The host keeps the channel for the domain's life; this process keeps the factory's pid
    // (the factory dies with it: PR_SET_PDEATHSIG).
    UniqueFd channel = net.release_channel();
    request.net_fd = channel.get();
    conn.run(request);
    channel.reset();
    for (;;) {
        // run() and kill() may have read the end with their reply: then fd() stays quiet.
        if (conn.end_ready()) break;
        pollfd p[2] = {{conn.fd(), POLLIN, 0}, {signals.get(), POLLIN, 0}};
        if (::poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll failed");
        }
        if (p[0].revents) break;
        if (p[1].revents & POLLIN) {
            signalfd_siginfo info{};
            if (::read(signals.get(), &info, sizeof info) == sizeof info &&
                !conn.kill(static_cast<int>(info.ssi_signo))) {
                break;  // the domain already ended
            }
        }
    }
    host::DomainEnd end = conn.wait();
    if (end.status == kExitLauncherError && !end.text.empty()) {
        write_text(STDERR_FILENO, "enclave-run: " + end.text + "\n");
    }
    return end.status;
}

int run_isolated(const ContainerLaunch& launch, Prepared& prepared, SocketFactory& net) {
    std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is -EPIPE to the app
    MachineConfig config;
    config.mem_size = launch.vm_memory;
    config.timer_period_us = kDefaultTickMs * 1000;
    std::vector<std::string> names{prepared.domains.domains[0].name};
    auto output = std::make_unique<DomainOutput>(names, DomainOutput::Mode::direct);
    ExitStats stats;
    DomainResults results;
    // Its one domain makes sockets in the container's namespace, through the same factory a
    // shared host would get.
    MachineInput input{prepared.kernel.image, prepared.kernel.bytes, prepared.domains,
                       *prepared.ram, *output};
    input.network = std::make_shared<SocketFactory>(std::move(net));
    VmEnd end = run_machine(config, input, stats, results);
    output.reset();
    if (!end.message.empty()) write_text(STDERR_FILENO, "enclave-run: " + end.message + "\n");
    return end.status;
}

}  // namespace

uint64_t vm_memory_for(uint64_t mem_limit) {
    if (mem_limit == 0) return kBaseMemory;
    uint64_t limit = (mem_limit + kMiB - 1) / kMiB * kMiB;
    return std::max(kBaseMemory, limit + kBaseMemory);
}

void container_process_main(const ContainerLaunch& launch, int ready_fd,
                            const std::vector<int>& keep_fds) {
    Prepared prepared;
    SocketFactory net;
    try {
        reset_signals();
        close_other_fds(keep_fds);
        if (launch.tty_slave >= 0) take_terminal(launch.tty_slave);
        net = enter_network_namespace(launch.config);
        if (!launch.host) prepared = prepare(launch);
    } catch (const Error& e) {
        write_text(ready_fd, e.what());
        ::_exit(1);
    } catch (const std::exception& e) {
        write_text(ready_fd, std::string("internal error: ") + e.what());
        ::_exit(1);
    }
    write_text(ready_fd, "K");
    ::close(ready_fd);

    // From here on stderr is the container's: what goes wrong is said there, as enclave-run run
    // says it, and the status is enclave-run's (125 for a launcher failure).
    int status = kExitLauncherError;
    try {
        wait_at_gate(launch.fifo_path);
        status =
            launch.host ? run_in_shared_host(launch, net) : run_isolated(launch, prepared, net);
    } catch (const std::exception& e) {
        write_text(STDERR_FILENO, std::string("enclave-run: ") + e.what() + "\n");
    }
    ::_exit(status);
}

}  // namespace er::launcher::oci
