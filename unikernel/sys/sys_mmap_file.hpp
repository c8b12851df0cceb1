// File-backed mmap: private copies of read-only tree and /tmp files (sys_memory.cpp's mmap calls
// these two around its address choice).
#pragma once

#include <stdint.h>

#include "fs/fd_table.hpp"

namespace uk::sys {

// Whether fd can be mapped with prot/flags: 0 with the description and the VMA's max_prot, or
// -EBADF (no such descriptor), -EACCES (not open for reading; MAP_SHARED with PROT_WRITE on a
// descriptor not open read-write), -ENODEV (not a regular file: the console, pipes, directories,
// /proc; or a writable MAP_SHARED mapping, which is not supported).
int64_t mmap_file_check(int64_t fd, uint64_t prot, uint64_t flags, fs::OpenFile** out,
                        uint32_t* max_prot);
// Fills [start, start + size), a fresh VMA, with the file's bytes from `off` (pages past the end
// of the file stay demand-zero).  0 or -ENOMEM (the caller removes the VMA).
int64_t mmap_file_fill(const fs::OpenFile* f, uint64_t start, uint64_t size, uint64_t off);

}  // namespace uk::sys
