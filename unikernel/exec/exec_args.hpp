// execve's argv and envp, gathered from the caller's memory into one kernel buffer before anything
// of the old image is touched (the old image may be replaced, and the strings are in it), laid
// out as the launcher's args blob is: argc strings then envc strings, NUL-terminated, back to back
// (domain/args_blob.hpp), so the ordinary initial-stack code builds the new stack from it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "domain/args_blob.hpp"
#include "libos-abi/enclave_abi.h"

namespace uk::exec {

// At most ER_ARGS_MAX bytes of strings (what a domain's first process may get from the launcher)
// and an initial stack within ER_INITIAL_STACK_MAX: past either, execve is -E2BIG, as Linux is
// past its own limits.
struct ArgBuffer {
    char data[ER_ARGS_MAX];
    uint64_t size;
    uint32_t argc;
    uint32_t envc;

    void clear() { size = 0, argc = envc = 0; }
    // Appends one string (len bytes, then a NUL) as the next argv or envp entry: 0 or -E2BIG.
    int append(const char* s, size_t len, bool env);
    // The script rule: argv[0] is replaced by interp, [arg,] path; the rest moves up.  -E2BIG
    // when that no longer fits.
    int replace_argv0(const char* interp, size_t interp_len, const char* arg, size_t arg_len,
                      const char* path, size_t path_len);
    // argv[0] (the buffer's first string).
    const char* argv0() const { return data; }
    domain::ArgBlob blob() const { return domain::ArgBlob{data, size, argc, envc}; }
    // Whether the initial stack of these strings stays within ER_INITIAL_STACK_MAX.
    bool fits_stack() const;
};

// Gathers the NULL-terminated pointer arrays argv and envp (either may be 0: empty) from the
// current process's memory: 0, -EFAULT (a pointer or string not readable), -E2BIG.  An empty argv
// gets "" as argv[0], as Linux gives since 5.18.
int gather_args(uint64_t argv, uint64_t envp, ArgBuffer& out);

}  // namespace uk::exec
