// Shared helpers for the ELF parser tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "elf/elf.hpp"

namespace er::elf::test {

// Parses the first `len` bytes of `file` from a heap block of exactly `len` bytes, so that under
// AddressSanitizer any read past the end is reported, not silently served from the vector's slack.
inline Status parse_prefix(const std::vector<uint8_t>& file, size_t len, Image* out) {
    std::unique_ptr<uint8_t[]> exact(new uint8_t[len]);
    std::copy(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(len), exact.get());
    return parse(exact.get(), len, out);
}

inline Status parse_all(const std::vector<uint8_t>& file, Image* out) {
    return parse_prefix(file, file.size(), out);
}

inline Status parse_all(const std::vector<uint8_t>& file) {
    Image img;
    return parse_all(file, &img);
}

std::vector<uint8_t> read_file(const std::string& path);

}  // namespace er::elf::test

// Lets GoogleTest print a Status by name in failure messages.
namespace er::elf {
void PrintTo(Status s, std::ostream* os);
}
