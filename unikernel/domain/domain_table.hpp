// The launcher's domain table (er_domain_desc[], ABI 2), checked before anything in it is used:
// the launcher is not trusted to get it right.  Pure logic (memory is reached through a
// callback), unit-tested on the host.
#pragma once

#include <stdint.h>

#include "lib/format.hpp"
#include "libos-abi/enclave_abi.h"

namespace uk::domain {

struct TableBounds {
    uint64_t mem_size;    // RAM is [0, mem_size)
    uint64_t free_start;  // every image lies below this
    // A kernel pointer to guest-physical memory at gpa (only called for checked ranges).
    const void* (*to_virt)(uint64_t gpa);
    // ABI 5 amendment: a persistent enclave (ER_BOOT_F_PERSISTENT) may boot with no domain and
    // take every one by hot add; any other enclave needs at least one.
    bool persistent = false;
};

// True when `count` descriptors at `table` are well formed: count in 1..ER_MAX_DOMAINS (0 too
// when `bounds.persistent`), every
// image (app, args, fs) inside [ER_GPA_IMAGES, free_start) without overflow, the app non-empty,
// argc >= 1 and the args blob holding exactly argc + envc strings, names printable, NUL-padded
// and unique, isolation known, flags zero.  Otherwise false with one line in `why` naming the
// domain and the field.
bool check_domain_table(const er_domain_desc* table, uint32_t count, const TableBounds& bounds,
                        TextBuffer& why);

// The name rule of the table: non-empty, printable ASCII without blanks, NUL-padded.
bool name_ok(const er_domain_desc& d);
// Whether two descriptors carry the same name.
bool same_name(const er_domain_desc& a, const er_domain_desc& b);

// The descriptor's name as a C string (at most ER_DOMAIN_NAME_MAX chars, copied with a NUL).
void domain_name(const er_domain_desc& d, char (&out)[ER_DOMAIN_NAME_MAX + 1]);

}  // namespace uk::domain
