// Memory sizes on the command line ("64M", "1G", "16777216") and in messages ("64 MiB").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace er::launcher {

// Parses a decimal byte count with an optional binary suffix K, M or G (case-insensitive, an
// optional trailing "iB"/"B" is accepted).  Returns nullopt on bad syntax or overflow.
std::optional<uint64_t> parse_size(std::string_view text);

// "64 MiB", "3 GiB", "1536 KiB", "123 bytes": the largest unit that divides exactly.
std::string format_size(uint64_t bytes);

}  // namespace er::launcher
