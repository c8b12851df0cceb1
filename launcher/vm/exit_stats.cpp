#include "launcher/vm/exit_stats.hpp"

#include <fcntl.h>
#include <sys/resource.h>

namespace er::launcher {

std::string format_stats(const ExitStats& s, uint64_t wall_ms, uint64_t peak_rss,
                         uint64_t open_fds) {
    auto kv = [](const char* key, uint64_t v) {
        return std::string(key) + "=" + std::to_string(v);
    };
    return "enclave-run: stats: " + kv("exits", s.exits) + " " + kv("io", s.io) + " " +
           kv("hlt", s.hlt) + " " + kv("mmio", s.mmio) + " " + kv("other", s.other) + " " +
           kv("hypercalls", s.hypercalls) + " " + kv("wall_ms", wall_ms) + " " +
           kv("peak_rss_kib", peak_rss) + " " + kv("open_fds", open_fds);
}

uint64_t peak_rss_kib() {
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
    return static_cast<uint64_t>(usage.ru_maxrss);  // Linux reports KiB
}

uint64_t open_fd_count() {
    // fcntl(F_GETFD) on each possible number, not a walk of /proc/self/fd: at the end the run
    // loop's seccomp filter allows no open(), and F_GETFD reveals nothing but "open or not".
    // The launcher's descriptors are the lowest free numbers, so a leak shows far below this.
    constexpr int kProbe = 4096;
    uint64_t n = 0;
    for (int fd = 0; fd < kProbe; fd++) n += ::fcntl(fd, F_GETFD) != -1;
    return n;
}

}  // namespace er::launcher
