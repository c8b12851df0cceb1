// An application file: read and checked with the shared ELF parser (the same code the unikernel
// loads it with).  domain_images.hpp places its raw bytes in guest memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace er::launcher {

struct AppImage {
    std::string path;            // as given on the command line (also argv[0])
    std::vector<uint8_t> bytes;  // the whole file
};

// Highest app file size that fits in `mem_size` bytes of guest RAM from ER_GPA_IMAGES, inside
// the guest's boot window (the first 1 GiB).
uint64_t max_app_size(uint64_t mem_size);

// Reads and validates `path`; throws Error with one line ("PATH: not an ELF file (bad magic)",
// "PATH is too big for 64 MiB of guest memory; use --memory", "PATH: cannot open: ...").
AppImage read_app(const std::string& path, uint64_t mem_size);

// Validates ELF bytes already in memory (split out for unit tests).
void check_app_elf(const std::vector<uint8_t>& bytes, const std::string& path);

}  // namespace er::launcher
