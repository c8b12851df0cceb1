// `kill [--all] ID [SIGNAL]`: the signal (default SIGTERM) goes to the container process.  Shared
// (the default): it relays the signal to its domain's init, which may catch it; SIGKILL ends the
// process and so the domain (the shim sees 137).  Isolated: the process is the VM, and a
// terminating signal ends it at once (128+signal).  --all means the same: a container has
// exactly one host process.
#include <signal.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>

#include "launcher/common/error.hpp"
#include "launcher/oci/commands.hpp"
#include "launcher/oci/state_dir.hpp"

namespace er::launcher::oci {

int parse_signal(const std::string& text) {
    static const std::map<std::string, int> names{
        {"HUP", SIGHUP},   {"INT", SIGINT},       {"QUIT", SIGQUIT}, {"ILL", SIGILL},
        {"TRAP", SIGTRAP}, {"ABRT", SIGABRT},     {"IOT", SIGIOT},   {"BUS", SIGBUS},
        {"FPE", SIGFPE},   {"KILL", SIGKILL},     {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},
        {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},
        {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},
        {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},
        {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH},
        {"IO", SIGIO},     {"PWR", SIGPWR},       {"SYS", SIGSYS},
    };
    if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) {
        char* end = nullptr;
        long v = std::strtol(text.c_str(), &end, 10);
        if (*end == 0 && v > 0 && v < NSIG) return static_cast<int>(v);
        throw Error("invalid signal: " + text);
    }
    std::string name = text;
    for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (name.rfind("SIG", 0) == 0) name = name.substr(3);
    if (auto it = names.find(name); it != names.end()) return it->second;
    throw Error("unknown signal \"" + text + "\"");
}

int kill_command(const OciContext& ctx, const std::vector<std::string>& args) {
    ParsedFlags flags = parse_flags(args, {{"all", false, "a"}});
    if (flags.positionals.empty()) throw Error("kill needs a container id");
    if (flags.positionals.size() > 2) throw Error("kill takes ID and at most one SIGNAL");
    std::string id = flags.positionals[0];
    check_container_id(id);
    int sig = flags.positionals.size() == 2 ? parse_signal(flags.positionals[1]) : SIGTERM;
    ContainerDir dir = ContainerDir::open(ctx.global.root, id);
    ContainerState state = dir.read_state();
    // The shim matches "container not running" to mean the process has already finished.
    if (dir.status(state) == Status::stopped) throw Error("container not running");
    if (::kill(state.pid, sig) != 0) {
        if (errno == ESRCH) throw Error("container not running");
        throw_errno("kill failed", "pid " + std::to_string(state.pid));
    }
    return 0;
}

}  // namespace er::launcher::oci
