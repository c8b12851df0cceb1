// An application file: opened and sized first (open_app), streamed into guest memory once every
// input is known to fit (domain_images.hpp), and checked there with the shared ELF parser (the
// same code the unikernel loads it with), on the very bytes the guest will load.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "launcher/common/image_source.hpp"

namespace er::launcher {

// Highest app file size that fits in `mem_size` bytes of guest RAM from ER_GPA_IMAGES, inside
// the guest's boot window (the first 1 GiB).
uint64_t max_app_size(uint64_t mem_size);

// Opens `path` (a regular file, O_NONBLOCK: a FIFO cannot hang it) without reading it; throws
// Error with one line ("PATH is too big for 64 MiB of guest memory; use --memory",
// "PATH: cannot open: ...", "PATH: is a FIFO, not a program file").
std::shared_ptr<const FileImage> open_app(const std::string& path, uint64_t mem_size);

// Validates the app's ELF bytes (in guest memory or a test buffer); throws Error naming `path`
// ("PATH: not an ELF file (bad magic)").
void check_app_elf(std::span<const uint8_t> bytes, const std::string& path);

}  // namespace er::launcher
