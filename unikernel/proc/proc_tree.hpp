// /proc's names: which directories and files exist, for the path walk, stat and getdents64 (what
// the files hold is proc_files.cpp's).  A /proc node is a NodeRef of kind proc whose `ro` packs
// (pid << 8 | entry): pid 0 for /proc itself and its files, the process's pid for /proc/PID and
// what is in it.  Only the calling domain's processes exist: the view lists the domain's pids,
// so a domain can neither list nor open another domain's processes.
// Pure code over a ProcView, unit-tested on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fs/tree.hpp"

namespace uk::proc {

// What /proc needs to know about the running domain (the kernel's in proc_files.cpp).
struct ProcView {
    // The domain's pids, ascending, at most `max` of them: how many were written.
    uint32_t (*pids)(uint32_t* out, uint32_t max);
    // Whether `pid` is one of the domain's processes.
    bool (*exists)(uint32_t pid);
    // The calling process's pid.
    uint32_t (*self)();
    // /proc/PID/exe's target (not NUL-terminated).
    const char* (*exe)(uint32_t pid, size_t* len);
};

// The kernel's view, or nullptr where none is linked (host tests that do not define one, the
// fuzzers): then there is no /proc beyond what the image has.
const ProcView* view();

enum Entry : uint32_t {
    kRoot = 0,
    kSelf,
    kCpuinfo,
    kLoadavg,
    kMeminfo,
    kStat,
    kUptime,
    kVersion,
    kTopEnd,  // the files of /proc itself end here
    kPidDir = 0x10,
    kPidCmdline,
    kPidComm,
    kPidExe,
    kPidMaps,
    kPidStat,
    kPidStatm,
    kPidStatus,
    kPidEnd,
};

constexpr uint64_t kProcDev = 0x16;

inline fs::NodeRef node(uint32_t pid, uint32_t e) {
    return fs::NodeRef{fs::NodeKind::proc, (pid << 8) | e, nullptr};
}
inline uint32_t pid_of(fs::NodeRef n) {
    return n.ro >> 8;
}
inline uint32_t entry_of(fs::NodeRef n) {
    return n.ro & 0xff;
}

uint32_t mode(fs::NodeRef n);
fs::NodeInfo info(fs::NodeRef n);
// Child `name` of /proc directory `dir`: 0 or -ENOENT.
int lookup(const ProcView& v, fs::NodeRef dir, const char* name, size_t len, fs::NodeRef* out);
// The directory holding n (/proc's is the tree's root).
fs::NodeRef parent(fs::NodeRef n, fs::NodeRef tree_root);
// n's name.  Pid directories' names are written into a buffer that the next call reuses.
const char* name(fs::NodeRef n, size_t* len);
// A symlink's target (self, PID/exe); the same buffer rule as name().
const char* link_target(const ProcView& v, fs::NodeRef n, size_t* len);
// The k-th entry of /proc directory `dir` after "." and "..": false past the last.
bool dir_entry(const ProcView& v, fs::NodeRef dir, uint64_t k, const char** name, size_t* len,
               fs::NodeRef* out);
// Decimal digits of v into buf (at least 10 bytes): how many.
size_t format_u32(uint32_t v, char* buf);

}  // namespace uk::proc
