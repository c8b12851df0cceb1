// enclave.json: the enclave described in a file (docs/manifest.md).  Every problem is refused
// with one line naming the file and the JSON path of the culprit:
//   enclave.json: $.apps[1].memory: expected a size like "32M", got true
// Malformed JSON gives the parser's line and column instead of a path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "launcher/enclave/enclave_spec.hpp"

namespace er::launcher {

struct Manifest {
    std::optional<uint64_t> memory;           // total guest RAM, bytes (checked like --memory)
    std::optional<double> timeout_s;          // seconds
    std::optional<std::string> timeout_text;  // as written, for the timeout line
    std::optional<uint32_t> tick_ms;          // scheduler tick; 0 disables the timer
    std::optional<std::string> confidential;  // as --confidential: auto, snp, es, sev, off, sim
    std::vector<AppSpec> apps;                // names assigned and unique; paths resolved
};

// Parses manifest text.  `label` names the file in errors; relative paths (path, root) are
// resolved against `base_dir`.  Throws Error with one line.
Manifest parse_manifest(std::string_view text, const std::string& label,
                        const std::filesystem::path& base_dir);

// Reads and parses the manifest file at `path` (relative paths are relative to its directory).
Manifest read_manifest(const std::string& path);

}  // namespace er::launcher
