#include "launcher/vm/exit_stats.hpp"

#include <sys/resource.h>

namespace er::launcher {

std::string format_stats(const ExitStats& s, uint64_t wall_ms, uint64_t peak_rss) {
    auto kv = [](const char* key, uint64_t v) {
        return std::string(key) + "=" + std::to_string(v);
    };
    return "enclave-run: stats: " + kv("exits", s.exits) + " " + kv("io", s.io) + " " +
           kv("hlt", s.hlt) + " " + kv("mmio", s.mmio) + " " + kv("other", s.other) + " " +
           kv("hypercalls", s.hypercalls) + " " + kv("wall_ms", wall_ms) + " " +
           kv("peak_rss_kib", peak_rss);
}

uint64_t peak_rss_kib() {
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
    return static_cast<uint64_t>(usage.ru_maxrss);  // Linux reports KiB
}

}  // namespace er::launcher
