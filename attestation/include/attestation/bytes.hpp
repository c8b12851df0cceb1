// Byte helpers shared by the attestation library and its CLI.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "attestation/result.hpp"

namespace er::attest {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using Digest384 = std::array<std::uint8_t, 48>;

std::string to_hex(ByteView bytes);
// Accepts upper or lower case, ignores ASCII whitespace; nullopt on any other character or odd
// length.
std::optional<Bytes> from_hex(std::string_view text);

// Reads a whole file; the error names the path and errno text.
Expected<Bytes> read_file(const std::filesystem::path& path);

std::uint32_t load_le32(const std::uint8_t* p);
std::uint64_t load_le64(const std::uint8_t* p);

bool all_zero(ByteView bytes);

}  // namespace er::attest
