#include "exec/exec_args.hpp"

#include "lib/string.hpp"
#include "libos-abi/user_layout.h"
#include "sys/errno.hpp"

namespace uk::exec {

int ArgBuffer::append(const char* s, size_t len, bool env) {
    if (len >= sizeof data || size > sizeof data - len - 1) return -kE2BIG;
    memcpy(data + size, s, len);
    data[size + len] = '\0';
    size += len + 1;
    if (env) {
        envc++;
    } else {
        argc++;
    }
    return 0;
}

int ArgBuffer::replace_argv0(const char* interp, size_t interp_len, const char* arg, size_t arg_len,
                             const char* path, size_t path_len) {
    size_t old0 = argc > 0 ? strlen(data) + 1 : 0;
    size_t added = interp_len + 1 + (arg_len > 0 ? arg_len + 1 : 0) + path_len + 1;
    uint64_t new_size = size - old0 + added;
    if (new_size > sizeof data) return -kE2BIG;
    // The strings after argv[0] move to their new place first (they may overlap it).
    memmove(data + added, data + old0, size - old0);
    size_t at = 0;
    memcpy(data + at, interp, interp_len);
    at += interp_len;
    data[at++] = '\0';
    if (arg_len > 0) {
        memcpy(data + at, arg, arg_len);
        at += arg_len;
        data[at++] = '\0';
    }
    memcpy(data + at, path, path_len);
    at += path_len;
    data[at++] = '\0';
    size = new_size;
    argc = argc - (old0 > 0 ? 1 : 0) + (arg_len > 0 ? 3 : 2);
    return 0;
}

bool ArgBuffer::fits_stack() const {
    return er_initial_stack_bytes(argc, envc, size) <= ER_INITIAL_STACK_MAX;
}

}  // namespace uk::exec
