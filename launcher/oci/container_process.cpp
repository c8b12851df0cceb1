#include "launcher/oci/container_process.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <memory>

#include "launcher/common/error.hpp"
#include "launcher/common/full_write.hpp"
#include "launcher/enclave/enclave_setup.hpp"
#include "launcher/enclave/enclave_spec.hpp"
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

void enter_network_namespace(const ContainerConfig& c) {
    if (c.netns_path) {
        int fd = ::open(c.netns_path->c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw_errno("cannot open the network namespace", *c.netns_path);
        if (::setns(fd, CLONE_NEWNET) != 0) throw_errno("cannot join", *c.netns_path);
        ::close(fd);
    } else if (c.new_network_namespace && ::unshare(CLONE_NEWNET) != 0) {
        throw_errno("cannot create the container's network namespace (linux.namespaces)");
    }
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

}  // namespace

uint64_t vm_memory_for(uint64_t mem_limit) {
    if (mem_limit == 0) return kBaseMemory;
    uint64_t limit = (mem_limit + kMiB - 1) / kMiB * kMiB;
    return std::max(kBaseMemory, limit + kBaseMemory);
}

void container_process_main(const ContainerLaunch& launch, int ready_fd,
                            const std::vector<int>& keep_fds) {
    Prepared prepared;
    try {
        reset_signals();
        close_other_fds(keep_fds);
        if (launch.tty_slave >= 0) take_terminal(launch.tty_slave);
        enter_network_namespace(launch.config);
        prepared = prepare(launch);
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
        std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is -EPIPE to the app
        MachineConfig config;
        config.mem_size = launch.vm_memory;
        config.timer_period_us = kDefaultTickMs * 1000;
        std::vector<std::string> names{prepared.domains.domains[0].name};
        auto output = std::make_unique<DomainOutput>(names, DomainOutput::Mode::direct);
        ExitStats stats;
        DomainResults results;
        VmEnd end = run_machine(config,
                                MachineInput{prepared.kernel.image, prepared.kernel.bytes,
                                             prepared.domains, *prepared.ram, *output},
                                stats, results);
        output.reset();
        if (!end.message.empty()) write_text(STDERR_FILENO, "enclave-run: " + end.message + "\n");
        status = end.status;
    } catch (const std::exception& e) {
        write_text(STDERR_FILENO, std::string("enclave-run: ") + e.what() + "\n");
    }
    ::_exit(status);
}

}  // namespace er::launcher::oci
