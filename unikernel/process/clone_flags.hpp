// Linux's clone flags (include/uapi/linux/sched.h values), shared by the thread half
// (sys/sys_thread.cpp) and the process half (process/fork.cpp) of clone.
#pragma once

#include <stdint.h>

namespace uk::process {

constexpr uint64_t kExitSignalMask = 0xFF;  // the low byte: the signal the parent gets at exit
constexpr uint64_t kCloneVm = 0x100;
constexpr uint64_t kCloneFs = 0x200;
constexpr uint64_t kCloneFiles = 0x400;
constexpr uint64_t kCloneSighand = 0x800;
constexpr uint64_t kCloneVfork = 0x4000;
constexpr uint64_t kCloneThread = 0x10000;
constexpr uint64_t kCloneSysvsem = 0x40000;
constexpr uint64_t kCloneSettls = 0x80000;
constexpr uint64_t kCloneParentSettid = 0x100000;
constexpr uint64_t kCloneChildCleartid = 0x200000;
constexpr uint64_t kCloneDetached = 0x400000;  // ignored by Linux since 2.6.2
constexpr uint64_t kCloneChildSettid = 0x1000000;

}  // namespace uk::process
