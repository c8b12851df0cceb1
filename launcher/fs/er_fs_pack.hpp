// Packing a host directory into an er-fs image (libos-abi/er_fs.h), the read-only tree one domain
// sees at its /.  Deterministic: the same tree (names, bytes, modes, mtimes) gives the same image
// byte for byte, since the image is part of what a verifier measures.
//
// Two steps, so that a tree is never read into memory before it is known to fit: plan_er_fs()
// walks the tree (names and lstat only) and lays the image out; write_to() then copies the file
// contents straight into the destination (guest memory), each file opened O_NONBLOCK|O_NOFOLLOW
// and checked again with fstat, since the tree may have changed in between.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "launcher/common/image_source.hpp"
#include "launcher/fs/file_mount.hpp"
#include "launcher/fs/tmpfs_mount.hpp"
#include "libos-abi/er_fs.h"

namespace er::launcher {

struct ErFsLimits {
    uint64_t max_file = 1ull << 30;   // one regular file or symlink target
    uint64_t max_image = 1ull << 30;  // the whole image (it must fit in the guest's boot window)
};

// One entry of the tree as the walk saw it.
struct ErFsNode {
    std::string host_path;  // for reading and for errors
    std::string name;       // empty for the root
    uint32_t parent = 0;
    uint32_t mode = 0;  // S_IFMT | permission bits
    uint64_t size = 0;  // file bytes or symlink target length; 0 for a directory
    uint64_t mtime_ns = 0;
    uint32_t first_child = 0;
    uint32_t child_count = 0;
};

// The laid-out image of one tree; see plan_er_fs().
class ErFsImage final : public ImageSource {
  public:
    ErFsImage(std::vector<ErFsNode> nodes, const er_fs_header& header)
        : nodes_(std::move(nodes)), header_(header) {}
    uint64_t size() const override { return header_.total_size; }
    // Writes the image into zeroed `dest` (size() bytes), reading each file now.  Throws Error
    // naming the host path of a file that is no longer what the walk saw (type or size), or that
    // cannot be read.
    void write_to(std::span<uint8_t> dest) const override;

  private:
    std::vector<ErFsNode> nodes_;
    er_fs_header header_;
};

// Walks the tree under `root` (a directory; symlinks inside it are stored as symlinks, never
// followed) without reading any file.  Regular files, directories and symlinks only: devices,
// sockets and FIFOs are refused, as are names longer than ER_FS_NAME_MAX and files over the
// limits.  Throws Error with one line naming the offending host path ("DIR/dev/null: is a
// character device; ...").
//
// `mounts` (check_tmpfs_mounts) become tmpfs mount points (er_fs.h version 2): a directory entry
// flagged ER_FS_TMPFS with the mount's mode and size and no children (what the tree has there is
// hidden, as a mount hides it); missing directories on the way are added (mode 0755, mtime 0),
// as runc creates a mount point.  A mount path through a symlink or a non-directory of the tree
// is refused.  Without mounts the image is version 1, byte for byte what it always was.
//
// `files` (check_file_mounts) put a host file's bytes at their path, replacing what the tree has
// there (a file or a symlink; a directory is refused), with missing directories on the way
// added as for mounts.  The source must be a regular file (a symlink is resolved first: it is the
// caller's path, as a bind mount's source is); its mode's permission bits and mtime are kept.
// Files are ordinary entries: they leave the version as it is.
ErFsImage plan_er_fs(const std::string& root, const ErFsLimits& limits = {},
                     const std::vector<TmpfsMount>& mounts = {},
                     const std::vector<FileMount>& files = {});

// The tree of a domain launched without a root directory but with tmpfs mounts: a root (0755,
// mtime 0) holding just the mount points and the directories leading to them.
ErFsImage plan_er_fs_mounts(const std::vector<TmpfsMount>& mounts);

// plan_er_fs() and write_to() into one buffer (tests, tools).
std::vector<uint8_t> pack_er_fs(const std::string& root, const ErFsLimits& limits = {});

}  // namespace er::launcher
