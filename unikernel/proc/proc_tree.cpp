#include "proc/proc_tree.hpp"

#include "lib/string.hpp"
#include "sys/errno.hpp"

namespace uk::proc {

// Defined by the kernel (proc_files.cpp); weak, so the host tests and fuzzers that link the file
// tree without it get no /proc rather than a link error.
extern const ProcView kProcView __attribute__((weak));

const ProcView* view() {
    return &kProcView;
}

namespace {

struct Name {
    const char* s;
    uint32_t entry;
};

// Sorted by name, as getdents64 lists them; /proc's own files first, then the pids.
constexpr Name kTopNames[] = {{"cpuinfo", kCpuinfo}, {"loadavg", kLoadavg}, {"meminfo", kMeminfo},
                              {"self", kSelf},       {"stat", kStat},       {"uptime", kUptime},
                              {"version", kVersion}};
constexpr Name kPidNames[] = {{"cmdline", kPidCmdline}, {"comm", kPidComm},   {"exe", kPidExe},
                              {"maps", kPidMaps},       {"stat", kPidStat},   {"statm", kPidStatm},
                              {"status", kPidStatus}};
constexpr uint32_t kMaxListed = 256;  // on the kernel stack: 1 KiB

// Names built on demand (pid directories, /proc/self's target).  The kernel serves one syscall
// at a time, and every caller copies the name out before the next call.
char g_buf[16];

bool name_is(const char* a, const char* name, size_t len) {
    return strlen(a) == len && memcmp(a, name, len) == 0;
}

// A pid written in decimal without a leading zero, as /proc names them.
bool parse_pid(const char* name, size_t len, uint32_t* pid) {
    if (len == 0 || len > 9 || name[0] == '0') return false;
    uint32_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9') return false;
        v = v * 10 + uint32_t(name[i] - '0');
    }
    *pid = v;
    return true;
}

}  // namespace

size_t format_u32(uint32_t v, char* buf) {
    char tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = char('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    return n;
}

uint32_t mode(fs::NodeRef n) {
    uint32_t e = entry_of(n);
    if (e == kRoot || e == kPidDir) return fs::kIfdir | 0555;
    if (e == kSelf || e == kPidExe) return fs::kIflnk | 0777;
    return fs::kIfreg | 0444;
}

fs::NodeInfo info(fs::NodeRef n) {
    // Sizes are 0, as Linux reports them: the bytes exist only when read.
    return fs::NodeInfo{kProcDev, uint64_t(n.ro) + 1, mode(n), 1, 0, 0, 0, 0};
}

int lookup(const ProcView& v, fs::NodeRef dir, const char* name, size_t len, fs::NodeRef* out) {
    uint32_t pid = pid_of(dir);
    if (entry_of(dir) == kRoot) {
        for (const Name& t : kTopNames) {
            if (name_is(t.s, name, len)) {
                *out = node(0, t.entry);
                return 0;
            }
        }
        uint32_t p;
        if (!parse_pid(name, len, &p) || !v.exists(p)) return -kENOENT;
        *out = node(p, kPidDir);
        return 0;
    }
    // A process that ended since the walk reached its directory has nothing left in it.
    if (entry_of(dir) != kPidDir || !v.exists(pid)) return -kENOENT;
    for (const Name& t : kPidNames) {
        if (name_is(t.s, name, len)) {
            *out = node(pid, t.entry);
            return 0;
        }
    }
    return -kENOENT;
}

fs::NodeRef parent(fs::NodeRef n, fs::NodeRef tree_root) {
    uint32_t e = entry_of(n);
    if (e == kRoot) return tree_root;
    if (e == kPidDir || pid_of(n) == 0) return node(0, kRoot);
    return node(pid_of(n), kPidDir);
}

const char* name(fs::NodeRef n, size_t* len) {
    uint32_t e = entry_of(n);
    if (e == kRoot) {
        *len = 4;
        return "proc";
    }
    if (e == kPidDir) {
        *len = format_u32(pid_of(n), g_buf);
        return g_buf;
    }
    for (const Name& t : pid_of(n) == 0 ? kTopNames : kPidNames) {
        if (t.entry == e) {
            *len = strlen(t.s);
            return t.s;
        }
    }
    *len = 0;
    return "";
}

const char* link_target(const ProcView& v, fs::NodeRef n, size_t* len) {
    if (entry_of(n) == kSelf) {
        *len = format_u32(v.self(), g_buf);
        return g_buf;
    }
    return v.exe(pid_of(n), len);
}

bool dir_entry(const ProcView& v, fs::NodeRef dir, uint64_t k, const char** name, size_t* len,
               fs::NodeRef* out) {
    if (entry_of(dir) == kPidDir) {
        if (k >= sizeof kPidNames / sizeof kPidNames[0] || !v.exists(pid_of(dir))) return false;
        *name = kPidNames[k].s, *len = strlen(*name);
        *out = node(pid_of(dir), kPidNames[k].entry);
        return true;
    }
    constexpr uint64_t top = sizeof kTopNames / sizeof kTopNames[0];
    if (k < top) {
        *name = kTopNames[k].s, *len = strlen(*name);
        *out = node(0, kTopNames[k].entry);
        return true;
    }
    // The pids in order; the cookie is the position, so a process that ends between two calls
    // shifts the rest by one (Linux's own /proc listing is no more stable than that).
    uint32_t pids[kMaxListed];
    uint32_t count = v.pids(pids, kMaxListed);
    if (k - top >= count) return false;
    uint32_t p = pids[k - top];
    *out = node(p, kPidDir);
    *len = format_u32(p, g_buf);
    *name = g_buf;
    return true;
}

}  // namespace uk::proc
