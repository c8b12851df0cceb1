// getrusage and times.  The scheduler does not account CPU time per process yet, so user and
// system times are 0 (docs/syscalls.md); the memory high-water mark is the domain's: the most
// frames it ever held (pages, page tables, kernel stacks), which all its processes share.
#include "domain/domain.hpp"
#include "mm/user_access.hpp"
#include "sys/errno.hpp"
#include "sys/sys_procfs.hpp"
#include "time/clock.hpp"

namespace uk::sys {
namespace {

struct Rusage {  // struct rusage of x86-64 Linux
    int64_t utime_sec, utime_usec;
    int64_t stime_sec, stime_usec;
    int64_t maxrss;  // KiB
    int64_t ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv,
        nsignals, nvcsw, nivcsw;
};
static_assert(sizeof(Rusage) == 144);

struct Tms {
    int64_t utime, stime, cutime, cstime;
};

constexpr int64_t kRusageSelf = 0, kRusageChildren = -1, kRusageThread = 1;
constexpr uint64_t kTicksPerSec = 100;  // USER_HZ

}  // namespace

int64_t sys_getrusage(const Args& a) {
    int64_t who = int32_t(a.a0);
    if (who != kRusageSelf && who != kRusageChildren && who != kRusageThread) return -kEINVAL;
    Rusage r{};
    // Children's figures would be those of reaped children; their memory is in the domain's
    // account too, so only SELF and THREAD report it.
    if (who != kRusageChildren) r.maxrss = int64_t(domain::current().account.peak() * 4);
    return mm::copy_to_user(a.a1, &r, sizeof r) != 0 ? -kEFAULT : 0;
}

int64_t sys_times(const Args& a) {
    Tms t{};
    if (a.a0 != 0 && mm::copy_to_user(a.a0, &t, sizeof t) != 0) return -kEFAULT;
    // Clock ticks since boot, as Linux counts them from an arbitrary point in the past.
    return int64_t(time::uptime_ns() / (1'000'000'000 / kTicksPerSec));
}

}  // namespace uk::sys
