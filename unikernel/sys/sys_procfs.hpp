// The syscalls of the procfs work item (issue 18): ownership and modes of /tmp nodes, resource
// usage.  Their numbers and handlers; dispatch.cpp lists them.
#pragma once

#include <stdint.h>

#include "sys/syscall.hpp"

namespace uk::sys {

enum ProcfsNr : uint64_t {
    kChmod = 90,
    kFchmod = 91,
    kChown = 92,
    kFchown = 93,
    kLchown = 94,
    kGetrusage = 98,
    kTimes = 100,
    kFchownat = 260,
    kFchmodat = 268,
};

// sys_owner.cpp
int64_t sys_chmod(const Args&);
int64_t sys_fchmod(const Args&);
int64_t sys_fchmodat(const Args&);
int64_t sys_chown(const Args&);
int64_t sys_fchown(const Args&);
int64_t sys_lchown(const Args&);
int64_t sys_fchownat(const Args&);
// sys_rusage.cpp
int64_t sys_getrusage(const Args&);
int64_t sys_times(const Args&);

}  // namespace uk::sys
