// Path resolution with Linux's rules: absolute or relative to a start directory; "." and "..";
// repeated and trailing slashes (a trailing slash demands a directory); symlinks followed, at most
// kMaxLinkDepth nested and kMaxLinks in all (-ELOOP); components over 255 bytes -ENAMETOOLONG;
// a missing component -ENOENT, a non-directory in the middle -ENOTDIR; "" -ENOENT.
// Pure code, unit-tested on the host.
#pragma once

#include <stddef.h>

#include "fs/tree.hpp"

namespace uk::fs {

constexpr int kMaxLinkDepth = 8;
constexpr int kMaxLinks = 40;
constexpr size_t kPathMax = 4096;  // including the NUL, as Linux counts it

// The node `path` names.  follow_last: whether a symlink as the last component is followed
// (stat vs lstat, O_NOFOLLOW).  0 or -errno.
int resolve(const Tree& t, NodeRef start, const char* path, size_t len, bool follow_last,
            NodeRef* out);

// For calls that create or remove a name: the directory that holds the last component, and that
// component (which may be "." or ".."; the root gives "." too).  Symlinks in the last component
// are not followed.  0 or -errno.
int resolve_parent(const Tree& t, NodeRef start, const char* path, size_t len, NodeRef* dir,
                   const char** last, size_t* last_len);

// The absolute path of a directory, NUL-terminated, into buf: its length with the NUL, or
// -ERANGE when cap is too small.
int64_t path_of(const Tree& t, NodeRef n, char* buf, size_t cap);

}  // namespace uk::fs
