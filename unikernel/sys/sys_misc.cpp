// The rest of the Linux ABI that real programs (glibc's static start-up, busybox) call: uname,
// getrlimit/setrlimit/prlimit64, sysinfo, prctl (the name), rseq, process groups and
// sessions, getgroups.  A domain is one process (pid 1) in a world of its own.
#include "domain/domain.hpp"
#include "lib/string.hpp"
#include "mm/charged_frames.hpp"
#include "mm/frame_allocator.hpp"
#include "mm/user_access.hpp"
#include "process/process.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "time/clock.hpp"

namespace uk::sys {
namespace {

constexpr size_t kUtsLen = 65;
struct Utsname {
    char sysname[kUtsLen], nodename[kUtsLen], release[kUtsLen], version[kUtsLen], machine[kUtsLen],
        domainname[kUtsLen];
};

struct Rlimit {
    uint64_t cur, max;
};
constexpr uint64_t kRlimInfinity = ~0ull;
constexpr uint64_t kRlimitCount = 16;  // RLIM_NLIMITS
constexpr uint64_t kRlimitStack = 3, kRlimitNofile = 7;

struct Sysinfo {  // struct sysinfo of x86-64 Linux
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs;
    uint16_t pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
};
static_assert(sizeof(Sysinfo) == 112);

constexpr uint64_t kPrSetName = 15, kPrGetName = 16;
// Orphans below a subreaper are reparented to it instead of init (process/wait.cpp).
constexpr uint64_t kPrSetChildSubreaper = 36, kPrGetChildSubreaper = 37;
constexpr size_t kCommLen = 16;  // TASK_COMM_LEN

// prctl's name per domain; empty until first asked for, then the executable's base name.
char g_comm[ER_MAX_DOMAINS][kCommLen];

void copy_str(char* dst, size_t cap, const char* src) {
    size_t n = 0;
    while (src[n] != '\0' && n + 1 < cap) dst[n] = src[n], n++;
    dst[n] = '\0';
}

Rlimit limit_of(uint64_t resource) {
    switch (resource) {
        case kRlimitStack:
            return {8ull << 20, kRlimInfinity};  // the 8 MiB stack it has
        case kRlimitNofile:
            return {fs::kMaxFds, fs::kMaxFds};
        default:
            return {kRlimInfinity, kRlimInfinity};
    }
}

// A new limit is accepted when it is well-formed and no higher than what the domain has (lowering
// is harmless: nothing here enforces less than the real limits anyway).
int64_t check_new_limit(uint64_t resource, const Rlimit& n) {
    if (n.cur > n.max) return -kEINVAL;
    if (n.max > limit_of(resource).max) return -kEPERM;
    return 0;
}

char* comm() {
    domain::Domain& d = domain::current();
    char* c = g_comm[d.id % ER_MAX_DOMAINS];
    if (c[0] == '\0') {
        const fs::DomainFiles& f = process::current().files;
        uint32_t start = 0;
        for (uint32_t i = 0; i < f.exe_len; i++) {
            if (f.exe_path[i] == '/') start = i + 1;
        }
        uint32_t n = f.exe_len - start < kCommLen - 1 ? f.exe_len - start : kCommLen - 1;
        memcpy(c, f.exe_path + start, n);
        c[n] = '\0';
    }
    return c;
}

}  // namespace

int64_t sys_uname(const Args& a) {
    Utsname u{};
    copy_str(u.sysname, kUtsLen, "Linux");
    // The host name is the domain's name: each domain is its own little machine.
    const char* name = domain::current().name;
    copy_str(u.nodename, kUtsLen, name[0] != '\0' ? name : "enclave");
    copy_str(u.release, kUtsLen, "6.1.0-enclave-run");
    copy_str(u.version, kUtsLen, "#1 SMP enclave-run");
    copy_str(u.machine, kUtsLen, "x86_64");
    copy_str(u.domainname, kUtsLen, "(none)");
    return mm::copy_to_user(a.a0, &u, sizeof u);
}

int64_t sys_prlimit64(const Args& a) {
    uint64_t pid = a.a0, resource = a.a1, new_limit = a.a2, old_limit = a.a3;
    if (pid != 0 && pid != 1) return -kESRCH;
    if (resource >= kRlimitCount) return -kEINVAL;
    if (new_limit != 0) {
        Rlimit n;
        if (mm::copy_from_user(&n, new_limit, sizeof n) != 0) return -kEFAULT;
        if (int64_t r = check_new_limit(resource, n); r != 0) return r;
    }
    if (old_limit != 0) {
        Rlimit o = limit_of(resource);
        if (mm::copy_to_user(old_limit, &o, sizeof o) != 0) return -kEFAULT;
    }
    return 0;
}

int64_t sys_getrlimit(const Args& a) {
    if (a.a0 >= kRlimitCount) return -kEINVAL;
    Rlimit o = limit_of(a.a0);
    return mm::copy_to_user(a.a1, &o, sizeof o);
}

int64_t sys_setrlimit(const Args& a) {
    if (a.a0 >= kRlimitCount) return -kEINVAL;
    Rlimit n;
    if (mm::copy_from_user(&n, a.a1, sizeof n) != 0) return -kEFAULT;
    return check_new_limit(a.a0, n);
}

int64_t sys_sysinfo(const Args& a) {
    Sysinfo s{};
    s.uptime = int64_t(time::monotonic_ns() / 1000000000);
    const mm::FrameAccount& acct = domain::current().account;
    uint64_t total = mm::g_frames.free_frames() + mm::g_frames.used_frames();
    // Without a limit, what is free to this domain is what no other domain's limit reserved.
    uint64_t free = mm::unreserved_frames();
    // A domain with a limit sees its limit as its RAM, like a container's cgroup view.
    if (acct.limit() != 0) {
        total = acct.limit();
        free = acct.limit() > acct.held() ? acct.limit() - acct.held() : 0;
    }
    s.totalram = total * 4096;
    s.freeram = free * 4096;
    s.procs = 1;
    s.mem_unit = 1;
    return mm::copy_to_user(a.a0, &s, sizeof s);
}

int64_t sys_prctl(const Args& a) {
    switch (a.a0) {
        case kPrGetName:
            return mm::copy_to_user(a.a1, comm(), kCommLen);
        case kPrSetName: {
            char name[kCommLen];
            // Up to 15 bytes and a NUL, read byte by byte so a short string at the end of a
            // mapping is fine.
            size_t n = 0;
            for (; n < kCommLen - 1; n++) {
                if (mm::copy_from_user(&name[n], a.a1 + n, 1) != 0) return -kEFAULT;
                if (name[n] == '\0') break;
            }
            name[n] = '\0';
            memcpy(comm(), name, kCommLen);
            return 0;
        }
        case kPrSetChildSubreaper:
            process::current().subreaper = a.a1 != 0;
            return 0;
        case kPrGetChildSubreaper: {
            int32_t on = process::current().subreaper ? 1 : 0;
            return mm::copy_to_user(a.a1, &on, sizeof on);
        }
        default:
            return -kEINVAL;
    }
}

int64_t sys_rseq(const Args&) {
    // glibc registers rseq at start-up and carries on without it on -ENOSYS (it is only a
    // fast path for sched_getcpu); with one CPU there is nothing to gain.
    return -kENOSYS;
}

int64_t sys_getpgrp(const Args&) {
    return 1;
}

int64_t sys_getpgid(const Args& a) {
    // getpgid and getsid: the domain's one process leads its own group and session.
    if (a.a0 != 0 && a.a0 != 1) return -kESRCH;
    return 1;
}

int64_t sys_setsid(const Args&) {
    return -kEPERM;  // already a process group leader, as Linux answers pid 1
}

int64_t sys_getgroups(const Args&) {
    return 0;  // root with no supplementary groups
}

}  // namespace uk::sys
