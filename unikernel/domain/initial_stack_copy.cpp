// The kernel-only half of initial_stack: building into a kernel buffer, then one checked copy.
#include "domain/initial_stack.hpp"
#include "libos-abi/user_layout.h"
#include "mm/user_access.hpp"

namespace uk::domain {
namespace {

// Big enough for the whole ER_ARGS_MAX blob plus a pointer for every string of a typical
// command line; a blob of thousands of one-byte strings is refused instead (the launcher refuses
// it first, by the same size: libos-abi/user_layout.h).
alignas(16) uint8_t g_stack_image[ER_INITIAL_STACK_MAX];

}  // namespace

const char* build_initial_stack(const StackImage& s, uint64_t top, uint64_t* rsp) {
    size_t used = 0;
    if (const char* err = layout_initial_stack(s, top, g_stack_image, sizeof g_stack_image, &used))
        return err;
    if (mm::copy_to_user(top - used, g_stack_image, used) != 0)
        return "cannot write the initial stack";
    *rsp = top - used;
    return nullptr;
}

}  // namespace uk::domain
