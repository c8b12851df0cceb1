// What /dev's devices do (dev_tree.hpp has their names), as Linux's drivers/char/mem.c and
// random.c: null reads nothing and takes every write; zero reads zeros and takes every write;
// full reads zeros and refuses every write with ENOSPC; random and urandom read getrandom's
// bytes (sys/sys_misc_random.cpp) and take writes (Linux mixes them in; here they are dropped:
// the source is RDRAND or a stream keyed at boot).  None has a position: reads and writes never
// move it and lseek answers 0.
#pragma once

#include <stdint.h>

#include "fs/tree.hpp"

namespace uk::dev {

// read(2) of device n: bytes copied to the app (0 for null; at most 16 MiB of zeros or 1 MiB of
// random bytes per call), or -errno.
int64_t read(fs::NodeRef n, uint64_t user_buf, uint64_t count);
// write(2) of `count` bytes to device n: count, or -ENOSPC (full).  The bytes are not read.
int64_t write(fs::NodeRef n, uint64_t count);

}  // namespace uk::dev
