#include "domain/staged_domain.hpp"

#include "domain/domain_table.hpp"

namespace uk::domain {
namespace {

bool inside(uint64_t gpa, uint64_t size, const StagingBounds& b) {
    if (size == 0 || gpa + size < gpa) return false;
    return gpa >= b.gpa && gpa + size <= b.gpa + b.size;
}

bool fail(TextBuffer& why, uint32_t slot, const char* what) {
    why.str("hot add: domain ").udec(slot).str(": ").str(what);
    return false;
}

}  // namespace

bool check_staged_domain(const er_domain_desc& d, uint32_t slot, const StagingBounds& b,
                         const er_domain_desc* const* live, uint32_t live_count, TextBuffer& why) {
    if (slot >= ER_MAX_DOMAINS) return fail(why, slot, "slot out of range");
    if (!name_ok(d)) return fail(why, slot, "name is empty, unprintable or not NUL-padded");
    for (uint32_t i = 0; i < live_count; i++) {
        if (same_name(*live[i], d)) return fail(why, slot, "name is not unique among live domains");
    }
    if (!inside(d.app_gpa, d.app_size, b))
        return fail(why, slot, "app_gpa/app_size outside the staging area");
    if (d.argc == 0) return fail(why, slot, "argc is 0 (argv[0] is the app's name)");
    if (!inside(d.args_gpa, d.args_size, b))
        return fail(why, slot, "args_gpa/args_size outside the staging area");
    // Overlap would let one copy's bytes be read as the other's; the host has no reason for it.
    if (d.app_gpa < d.args_gpa + d.args_size && d.args_gpa < d.app_gpa + d.app_size)
        return fail(why, slot, "app and args overlap in the staging area");
    // ABI 5 amendment: an er-fs image, copied by create() into the domain's own frames.
    if (d.fs_gpa == 0) {
        if (d.fs_size != 0) return fail(why, slot, "fs_size set without fs_gpa");
    } else {
        if (!inside(d.fs_gpa, d.fs_size, b))
            return fail(why, slot, "fs_gpa/fs_size outside the staging area");
        if (d.fs_gpa < d.app_gpa + d.app_size && d.app_gpa < d.fs_gpa + d.fs_size)
            return fail(why, slot, "the er-fs image and the app overlap in the staging area");
        if (d.fs_gpa < d.args_gpa + d.args_size && d.args_gpa < d.fs_gpa + d.fs_size)
            return fail(why, slot, "the er-fs image and the args overlap in the staging area");
    }
    if (d.isolation > ER_ISO_MPK) return fail(why, slot, "isolation is not an er_isolation");
    if (d.flags != 0) return fail(why, slot, "flags is not zero");
    for (uint64_t r : d.reserved) {
        if (r != 0) return fail(why, slot, "reserved is not zero");
    }
    return true;
}

}  // namespace uk::domain
