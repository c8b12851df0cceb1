// The argv/envp blob from the launcher: argc strings then envc strings, NUL-terminated, back to
// back (libos-abi/enclave_abi.h).  The launcher is not trusted to get it right.
#pragma once

#include <stdint.h>

namespace uk::domain {

struct ArgBlob {
    const char* data;
    uint64_t size;
    uint32_t argc;
    uint32_t envc;
};

// True when the blob holds exactly argc + envc NUL-terminated strings and nothing else.
// Pure; unit-tested on the host.
bool args_blob_valid(const ArgBlob& args);

}  // namespace uk::domain
