// Signal names for the one-line reports of a domain's end.
#include "lib/format.hpp"
#include "signal/sigset.hpp"

namespace uk::signal {

const char* name(uint32_t sig) {
    static const char* const kNames[] = {
        nullptr,     "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
        "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
    };
    if (sig < sizeof kNames / sizeof kNames[0] && kNames[sig] != nullptr) return kNames[sig];
    static FixedText<16> t;
    t.clear();
    t.str("signal ").udec(sig).ch('\0');
    return t.data();
}

}  // namespace uk::signal
