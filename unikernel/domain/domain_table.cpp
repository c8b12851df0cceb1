#include "domain/domain_table.hpp"

#include "domain/args_blob.hpp"

namespace uk::domain {
namespace {

// [gpa, gpa + size) inside the images area.  size 0 is fine only where the caller allows it.
bool range_ok(uint64_t gpa, uint64_t size, const TableBounds& b) {
    if (gpa + size < gpa) return false;
    return gpa >= ER_GPA_IMAGES && gpa + size <= b.free_start && gpa + size <= b.mem_size;
}

}  // namespace

bool name_ok(const er_domain_desc& d) {
    if (d.name[0] == '\0') return false;
    bool ended = false;
    for (uint32_t i = 0; i < ER_DOMAIN_NAME_MAX; i++) {
        char c = d.name[i];
        if (ended) {
            if (c != '\0') return false;  // NUL padding only
        } else if (c == '\0') {
            ended = true;
        } else if (c < 0x21 || c > 0x7E) {
            return false;  // printable, no blanks: the name appears in kill lines
        }
    }
    return true;
}

bool same_name(const er_domain_desc& a, const er_domain_desc& b) {
    for (uint32_t i = 0; i < ER_DOMAIN_NAME_MAX; i++) {
        if (a.name[i] != b.name[i]) return false;
        if (a.name[i] == '\0') return true;
    }
    return true;
}

namespace {

bool fail(TextBuffer& why, uint32_t i, const char* what) {
    why.str("boot: domain ").udec(i).str(": ").str(what);
    return false;
}

}  // namespace

bool check_domain_table(const er_domain_desc* table, uint32_t count, const TableBounds& b,
                        TextBuffer& why) {
    if ((count == 0 && !b.persistent) || count > ER_MAX_DOMAINS) {
        why.str("boot: domain_count ").udec(count).str(" is not in ");
        why.udec(b.persistent ? 0 : 1).str("..").udec(ER_MAX_DOMAINS);
        if (count == 0) why.str(" (0 only for a persistent enclave)");
        return false;
    }
    for (uint32_t i = 0; i < count; i++) {
        const er_domain_desc& d = table[i];
        if (!name_ok(d)) return fail(why, i, "name is empty, unprintable or not NUL-padded");
        for (uint32_t j = 0; j < i; j++) {
            if (same_name(table[j], d)) return fail(why, i, "name is not unique");
        }
        if (d.app_size == 0 || !range_ok(d.app_gpa, d.app_size, b))
            return fail(why, i, "app_gpa/app_size outside the images below free_start");
        if (d.argc == 0) return fail(why, i, "argc is 0 (argv[0] is the app's name)");
        if (d.args_size == 0 || !range_ok(d.args_gpa, d.args_size, b))
            return fail(why, i, "args_gpa/args_size outside the images below free_start");
        ArgBlob args{static_cast<const char*>(b.to_virt(d.args_gpa)), d.args_size, d.argc, d.envc};
        if (!args_blob_valid(args))
            return fail(why, i, "args blob does not hold exactly argc + envc strings");
        if (d.fs_gpa == 0) {
            if (d.fs_size != 0) return fail(why, i, "fs_size set without fs_gpa");
        } else if (!range_ok(d.fs_gpa, d.fs_size, b)) {
            return fail(why, i, "fs_gpa/fs_size outside the images below free_start");
        }
        if (d.isolation > ER_ISO_MPK) return fail(why, i, "isolation is not an er_isolation");
        if (d.flags != 0) return fail(why, i, "flags is not zero");
    }
    return true;
}

void domain_name(const er_domain_desc& d, char (&out)[ER_DOMAIN_NAME_MAX + 1]) {
    uint32_t n = 0;
    while (n < ER_DOMAIN_NAME_MAX && d.name[n] != '\0') {
        out[n] = d.name[n];
        n++;
    }
    out[n] = '\0';
}

}  // namespace uk::domain
