// The argv/envp strings the guest gives the app: each NUL-terminated, argv then envp, back to
// back, at ER_GPA_ARGS.  argv[0] is the app path as given; the environment is only what the user
// passed with --env (the host environment never leaks into the enclave).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace er::launcher {

struct ArgsBlob {
    std::vector<uint8_t> bytes;
    uint32_t argc = 0;
    uint32_t envc = 0;
};

// Throws Error if a string holds a NUL byte or the blob exceeds `max_bytes` (ER_ARGS_MAX).
ArgsBlob build_args_blob(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         uint64_t max_bytes);

}  // namespace er::launcher
