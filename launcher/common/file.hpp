// Reading whole input files (the app, a --kernel override) with errors that name the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace er::launcher {

// Size of the regular file at `path`; throws Error naming `path` if it is missing, unreadable or
// not a regular file.
uint64_t regular_file_size(const std::string& path);

// Reads the whole regular file at `path`, refusing files larger than `max_size` bytes (so a huge
// file is never read into memory just to be refused).  `too_big` is the message used then.
std::vector<uint8_t> read_regular_file(const std::string& path, uint64_t max_size,
                                       const std::string& too_big);

// Reads exactly `size` bytes from the open file `fd` (retrying short reads and EINTR), for callers
// that size the file themselves and open it their own way (er_fs_pack.cpp: O_NOFOLLOW, size from
// lstat).  Errors name `path`; end of file first throws Error(shrank, path).
std::vector<uint8_t> read_exact(int fd, uint64_t size, const std::string& path,
                                const std::string& shrank);

}  // namespace er::launcher
