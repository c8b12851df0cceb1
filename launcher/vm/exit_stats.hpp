// Counters of vCPU exits and hypercalls, and the --stats line.  The benchmarks parse that line:
//   enclave-run: stats: exits=N io=N hlt=N mmio=N other=N hypercalls=N wall_ms=N peak_rss_kib=N
//                       open_fds=N
// Keep the format stable (docs/launcher.md); append new keys at the end only.
#pragma once

#include <cstdint>
#include <string>

namespace er::launcher {

struct ExitStats {
    uint64_t exits = 0;  // KVM_RUN returns with an exit reason (signals that kick it out excluded)
    uint64_t io = 0;
    uint64_t hlt = 0;
    uint64_t mmio = 0;
    uint64_t other = 0;
    uint64_t hypercalls = 0;  // io exits on a hypercall port that were served
};

// The stats line without its trailing newline.
std::string format_stats(const ExitStats& stats, uint64_t wall_ms, uint64_t peak_rss_kib,
                         uint64_t open_fds);

// ru_maxrss of this process in KiB.
uint64_t peak_rss_kib();

// File descriptors this process holds now (among the first 4096).  At the end of a run only
// stdin, stdout and stderr should be left: the soak test checks it.
uint64_t open_fd_count();

}  // namespace er::launcher
