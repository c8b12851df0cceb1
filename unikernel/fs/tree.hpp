// One domain's whole file tree as the syscalls see it: the read-only er-fs image at / with the
// private /tmp mounted over its "tmp" (present whether or not the image has one), and a private
// tmpfs over each mount point the image names (er_fs.h version 2: /run, /dev/shm, ...).  A
// NodeRef names a node in any part.  Pure code, unit-tested on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fs/erfs_image.hpp"
#include "fs/tmpfs.hpp"

namespace uk::proc {
struct ProcView;
}

namespace uk::fs {

// proc: /proc (proc/proc_tree.hpp); dev: /dev's devices (dev/dev_tree.hpp)
enum class NodeKind : uint8_t { none, ro, tmp, proc, dev };

struct NodeRef {
    NodeKind kind = NodeKind::none;
    uint32_t ro = 0;         // entry index when kind == ro; the mount (Tree::tmp index) when tmp
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
    uint32_t uid;  // /tmp nodes keep chown's; everything else is root's
    uint32_t gid;
    uint64_t rdev = 0;  // a device's number (dev/)
};

constexpr uint32_t kIfmt = 0170000, kIfdir = 0040000, kIfreg = 0100000, kIflnk = 0120000;
// st_dev of the two parts, so (dev, ino) pairs stay unique across them.
constexpr uint64_t kRoDev = 0x801, kTmpDev = 0x802;

// /tmp and one per mount point of the image.
constexpr uint32_t kMaxMounts = 1 + ER_FS_MAX_MOUNTS;

struct Tree {
    const ErfsImage* ro;
    Tmpfs* tmp;                          // tmp[0] is /tmp, tmp[1..mounts) the image's mounts
    uint32_t mounts = 1;                 // how many of tmp[] are in use
    const uint32_t* mount_at = nullptr;  // mount_at[k]: the ro entry tmp[k] covers (k >= 1)
    const proc::ProcView* proc = nullptr;  // /proc over the image's, when set

    // The tmpfs a tmp node belongs to.
    Tmpfs& fs(NodeRef n) const { return tmp[n.ro]; }
    // What a walk finds at ro entry i, a child of `dir`: the mount over it, or the entry itself.
    NodeRef over(uint32_t dir, uint32_t i) const;

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
    // Whether dir is /dev: the image's (or a mount over it), or the synthetic one when the image
    // has none.  Its devices win over the image's entries of the same names.
    bool is_dev_dir(NodeRef dir) const;
};

}  // namespace uk::fs
