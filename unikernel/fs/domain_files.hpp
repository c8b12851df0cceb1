// A domain's file state: its fd table (0/1/2 are the console streams), its read-only tree (the
// er-fs image the launcher packed, libos-abi/er_fs.h), its private writable /tmp and the tmpfs
// mounts its image names (/run, ...), and its cwd.
// The domain code owns one DomainFiles per domain and calls init() when the domain is created
// and release() when it dies; everything else about files lives in unikernel/fs/ (helper B's
// area: the real implementation is fs/domain_files.cpp, no stub needed).
#pragma once

#include <stdint.h>

#include "fs/erfs_image.hpp"
#include "fs/fd_table.hpp"
#include "fs/tmpfs.hpp"
#include "fs/tree.hpp"

namespace uk::fs {

constexpr uint32_t kExePathMax = 256;

// Held by value in domain::Domain.  Its members belong to fs/ and grow with it.
struct DomainFiles {
    uint32_t domain_id = 0;
    bool ready = false;
    ErfsImage ro;
    Tmpfs tmp[kMaxMounts];          // [0] is /tmp; [1..mounts) over the image's mount points
    uint32_t mount_at[kMaxMounts];  // the ro entry each covers (unused for [0])
    uint32_t mounts = 0;
    FdTable fds;
    NodeRef cwd;
    uint32_t umask = 022;
    uint32_t exe_len = 0;
    char exe_path[kExePathMax];

    Tree tree() { return Tree{&ro, tmp, mounts, mount_at}; }
    // The tmpfs a tmp node (kind tmp) belongs to.
    Tmpfs& fs(NodeRef n) { return tmp[n.ro]; }
};

// Sets up `f` for a new domain: stdio fds, the read-only tree from `image`/`size` (size 0: an
// empty root), an empty /tmp and an empty tmpfs per mount point, cwd "/".  `exe_path` is what
// readlink("/proc/self/exe") returns. False when the image is malformed (the domain is then refused
// with `*why`).
bool init(DomainFiles& f, uint32_t domain_id, const void* image, uint64_t size,
          const char* exe_path, const char** why);

// Drops every open file and frees the memory of the domain's /tmp and mounts.
void release(DomainFiles& f);

// Ends an open file description whose last descriptor went away (a /tmp file unlinked while
// open is freed now) and marks it free.
void release_file(DomainFiles& f, OpenFile* file);

}  // namespace uk::fs
