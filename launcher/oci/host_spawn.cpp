// spawn_host (enclave_hosts.hpp): the enclave host as a process of its own, detached from the
// engine's shim and from the container whose create started it.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>

#include "launcher/common/error.hpp"
#include "launcher/oci/enclave_hosts.hpp"

namespace er::launcher::oci {
namespace {

constexpr int kReadyTimeoutMs = 60000;

// In the forked child: `from` becomes `to` without close-on-exec.
void move_fd(int from, int to) {
    if (from == to) {
        ::fcntl(to, F_SETFD, 0);
    } else {
        ::dup2(from, to);
    }
}

std::string last_line_of(const std::string& file) {
    std::ifstream in(file);
    std::string line, last;
    while (std::getline(in, line)) {
        if (!line.empty()) last = line;
    }
    return last;
}

std::string number(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

}  // namespace

void spawn_host(const std::string& host_dir, const std::string& group,
                const HostSettings& settings) {
    std::string log_path = host_dir + "/host.log";
    UniqueFd log(
        ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!log.valid()) throw_errno("cannot create", log_path);
    UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null.valid()) throw_errno("cannot open", "/dev/null");
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) throw_errno("pipe failed");
    UniqueFd ready_read(p[0]), ready_write(p[1]);

    std::vector<std::string> args{"enclave-run-oci", "enclave-host", "--dir",      host_dir,
                                  "--group",         group,          "--ready-fd", "3"};
    if (settings.capacity)
        args.insert(args.end(), {"--capacity", std::to_string(*settings.capacity)});
    if (settings.idle_s) args.insert(args.end(), {"--idle", number(*settings.idle_s)});
    if (settings.memory) args.insert(args.end(), {"--memory", std::to_string(*settings.memory)});
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    pid_t child = ::fork();
    if (child < 0) throw_errno("fork failed");
    if (child == 0) {
        // A session of its own: the shim's signals to a process group, and a terminal hangup,
        // never reach it.  The second fork makes it no session leader (it can never get a
        // controlling terminal) and an orphan the subreaper or init reaps, not create.
        ::setsid();
        pid_t grandchild = ::fork();
        if (grandchild != 0) ::_exit(grandchild < 0 ? 1 : 0);
        move_fd(null.get(), 0);
        move_fd(null.get(), 1);
        move_fd(log.get(), 2);
        move_fd(ready_write.get(), 3);
        ::close_range(4, ~0u, 0);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig = 1; sig < NSIG; ++sig) {
            if (sig != SIGKILL && sig != SIGSTOP) std::signal(sig, SIG_DFL);
        }
        if (::chdir("/") != 0) ::_exit(127);
        ::execv("/proc/self/exe", argv.data());
        const char* msg = "enclave-run-oci: cannot execute /proc/self/exe for the enclave host\n";
        ssize_t ignored = ::write(2, msg, std::strlen(msg));
        (void)ignored;
        ::_exit(127);
    }
    int st = 0;
    while (::waitpid(child, &st, 0) < 0 && errno == EINTR) {
    }
    ready_write.reset();

    pollfd pfd{ready_read.get(), POLLIN, 0};
    int n;
    do {
        n = ::poll(&pfd, 1, kReadyTimeoutMs);
    } while (n < 0 && errno == EINTR);
    // One byte: it listens.  Anything longer is its error line (one write, so it comes whole).
    char buf[1024];
    ssize_t got = n > 0 ? ::read(ready_read.get(), buf, sizeof buf) : 0;
    if (got == 1) return;
    std::string why = got > 1 ? std::string(buf, static_cast<size_t>(got)) : last_line_of(log_path);
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
    if (n == 0) {
        if (auto record = read_host_record(host_dir)) ::kill(record->pid, SIGKILL);
        throw Error("the enclave host for group " + group + " did not start within 60 s" +
                    (why.empty() ? std::string() : ": " + why));
    }
    throw Error("the enclave host for group " + group + " could not start: " +
                (why.empty() ? std::string("it ended without a word (") + log_path + ")" : why));
}

}  // namespace er::launcher::oci
