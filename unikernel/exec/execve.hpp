// execve: replaces the calling process's image with a static ELF from its domain's tree (or a
// "#!" script whose interpreter is there), as Linux's execve does (docs/syscalls.md "Processes",
// docs/guest.md "execve").  The new image is built completely in a fresh address space before
// the old one is touched, so every error returns to the caller with its image intact.
#pragma once

#include <stdint.h>

#include "sys/syscall.hpp"

namespace uk::exec {

// execve(path, argv, envp) (59).
int64_t sys_execve(const sys::Args& a);
// execveat(dirfd, path, argv, envp, flags) (322): AT_FDCWD or a directory dirfd; flags
// AT_SYMLINK_NOFOLLOW (-ELOOP on a final symlink) and AT_EMPTY_PATH (dirfd itself).
int64_t sys_execveat(const sys::Args& a);

}  // namespace uk::exec
