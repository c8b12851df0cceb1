// The half of exec_args that reads the caller's memory (kernel only).
#include "exec/exec_args.hpp"
#include "mm/layout.hpp"
#include "mm/user_access.hpp"
#include "sys/errno.hpp"

namespace uk::exec {
namespace {

// Appends the NUL-terminated user string at `addr`, read page by page (a string ending just
// before an unmapped page is fine) straight into the buffer.
int append_user_string(ArgBuffer& b, uint64_t addr, bool env) {
    for (uint64_t at = addr;;) {
        if (at < addr) return -kEFAULT;
        uint64_t chunk = mm::kPageSize - (at & (mm::kPageSize - 1));
        if (chunk > sizeof b.data - b.size) chunk = sizeof b.data - b.size;
        if (chunk == 0) return -kE2BIG;
        if (mm::copy_from_user(b.data + b.size, at, chunk) != 0) return -kEFAULT;
        for (uint64_t i = 0; i < chunk; i++) {
            if (b.data[b.size + i] == '\0') {
                b.size += i + 1;
                if (env) {
                    b.envc++;
                } else {
                    b.argc++;
                }
                return 0;
            }
        }
        b.size += chunk;
        at += chunk;
    }
}

int append_vector(ArgBuffer& b, uint64_t vec, bool env) {
    if (vec == 0) return 0;
    for (uint64_t i = 0;; i++) {
        uint64_t p = 0;
        if (mm::copy_from_user(&p, vec + i * sizeof p, sizeof p) != 0) return -kEFAULT;
        if (p == 0) return 0;
        uint64_t before = b.size;
        if (int r = append_user_string(b, p, env); r != 0) {
            b.size = before;
            return r;
        }
    }
}

}  // namespace

int gather_args(uint64_t argv, uint64_t envp, ArgBuffer& out) {
    out.clear();
    if (int r = append_vector(out, argv, false); r != 0) return r;
    if (out.argc == 0) {
        if (int r = out.append("", 0, false); r != 0) return r;
    }
    if (int r = append_vector(out, envp, true); r != 0) return r;
    return out.fits_stack() ? 0 : -kE2BIG;
}

}  // namespace uk::exec
