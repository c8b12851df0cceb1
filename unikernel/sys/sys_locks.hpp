// fcntl record locks (F_GETLK, F_SETLK, F_SETLKW and the F_OFD_* forms) over fs/record_locks.
#pragma once

#include <stdint.h>

#include "fs/fd_table.hpp"

namespace uk::sys {

// True for the six lock commands, which fcntl hands to fcntl_lock.
bool is_lock_cmd(uint64_t cmd);
// fcntl(fd, cmd, arg) for a lock command; f is fd's open description.
int64_t fcntl_lock(fs::OpenFile* f, uint64_t cmd, uint64_t arg);
// The calling process closes a descriptor of f: its POSIX locks on that file go (fcntl(2): "any
// close of the file by the process").  OFD locks go in fs::release_file with the description.
void locks_on_close(const fs::OpenFile* f);
// Process `pid` of the running domain ends: all its POSIX locks go.
void locks_on_exit(uint32_t pid);

}  // namespace uk::sys
