// One domain's whole file tree as the syscalls see it: the read-only er-fs image at / with the
// private /tmp mounted over its "tmp" (present whether or not the image has one).  A NodeRef names
// a node in either part.  Pure code, unit-tested on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fs/erfs_image.hpp"
#include "fs/tmpfs.hpp"

namespace uk::fs {

enum class NodeKind : uint8_t { none, ro, tmp };

struct NodeRef {
    NodeKind kind = NodeKind::none;
    uint32_t ro = 0;         // entry index when kind == ro
    TmpNode* tmp = nullptr;  // when kind == tmp

    bool operator==(const NodeRef&) const = default;
};

// What stat reports about a node.
struct NodeInfo {
    uint64_t dev;
    uint64_t ino;
    uint32_t mode;
    uint32_t nlink;
    uint64_t size;
    uint64_t mtime_ns;
};

constexpr uint32_t kIfmt = 0170000, kIfdir = 0040000, kIfreg = 0100000, kIflnk = 0120000;
// st_dev of the two parts, so (dev, ino) pairs stay unique across them.
constexpr uint64_t kRoDev = 0x801, kTmpDev = 0x802;

struct Tree {
    const ErfsImage* ro;
    Tmpfs* tmp;

    NodeRef root() const { return NodeRef{NodeKind::ro, 0, nullptr}; }
    uint32_t mode(NodeRef n) const;
    bool is_dir(NodeRef n) const { return (mode(n) & kIfmt) == kIfdir; }
    bool is_symlink(NodeRef n) const { return (mode(n) & kIfmt) == kIflnk; }
    NodeInfo info(NodeRef n) const;
    // The directory holding n (the root is its own parent).
    NodeRef parent(NodeRef n) const;
    // Child `name` of directory `dir`: 0, -ENOENT, -ENOTDIR.
    int lookup(NodeRef dir, const char* name, size_t len, NodeRef* out) const;
    // A read-only symlink's target (not NUL-terminated).
    const char* link_target(NodeRef n, size_t* len) const;
    // n's name in its parent ("" for the root).
    const char* name(NodeRef n, size_t* len) const;
};

}  // namespace uk::fs
