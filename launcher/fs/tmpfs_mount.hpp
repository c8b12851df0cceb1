// A tmpfs mount a domain asks for (`enclave-run run --tmpfs PATH[:OPTIONS]`, or an OCI mount of
// type tmpfs): the guest serves a private writable tmpfs at PATH, its pages on the domain's
// account (libos-abi/er_fs.h version 2).  The packer puts the mount points into the domain's
// er-fs tree, so the list is measured with the tree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace er::launcher {

struct TmpfsMount {
    std::string path;       // absolute and clean: "/run", "/dev/shm" (never "/")
    uint64_t size = 0;      // size= in bytes; 0: no limit of its own
    uint32_t mode = 01777;  // mode= (permission bits of the mount's root), Linux tmpfs's default
};

// The mount at `path` with Linux tmpfs/mount options (docker's and OCI's spelling): size=N with
// an optional k, m or g suffix, mode=OCTAL; rw, nosuid, nodev, noexec and their opposites,
// atime flags, propagation flags, nr_inodes=, uid=0 and gid=0 are accepted and change nothing
// (a domain has no devices, set-uid bits or other users).  Throws Error naming the mount for a
// relative path, "..", "/", ro, a size in % or any other option.
TmpfsMount make_tmpfs_mount(const std::string& path, const std::vector<std::string>& options);

// `--tmpfs` syntax: PATH or PATH:OPT,OPT,...
TmpfsMount parse_tmpfs_flag(const std::string& spec);

// Checks a domain's mounts together: at most ER_FS_MAX_MOUNTS, none given twice, none inside
// another (a mount point is an empty directory in the tree).  Throws Error.
void check_tmpfs_mounts(const std::vector<TmpfsMount>& mounts);

}  // namespace er::launcher
