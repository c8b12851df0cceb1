// The application file: read, checked with the shared ELF parser (the same code the unikernel
// loads it with), and placed as raw bytes at ER_GPA_APP for the guest to load.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "launcher/vm/guest_memory.hpp"

namespace er::launcher {

struct AppImage {
    std::string path;            // as given on the command line (also argv[0])
    std::vector<uint8_t> bytes;  // the whole file
    uint64_t gpa;                // ER_GPA_APP
    uint64_t end;                // page-aligned end of the bytes in guest memory: free_start
};

// Highest app file size that fits in `mem_size` bytes of guest RAM.
uint64_t max_app_size(uint64_t mem_size);

// Reads and validates `path`; throws Error with one line ("PATH: not an ELF file (bad magic)",
// "PATH is too big for 64 MiB of guest memory; use --memory", "PATH: cannot open: ...").
AppImage read_app(const std::string& path, uint64_t mem_size);

// Validates ELF bytes already in memory (split out for unit tests).
void check_app_elf(const std::vector<uint8_t>& bytes, const std::string& path);

void load_app(const AppImage& app, GuestMemory& memory);

}  // namespace er::launcher
