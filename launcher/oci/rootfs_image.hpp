// A container's rootfs packed as an er-fs image (launcher/fs/er_fs_pack.hpp, the same packer as
// `enclave-run run --root`) into a sealed memfd: handed to the enclave host at start, which
// cannot see the bundle's path in the caller's mount namespace and must not see it change.
#pragma once

#include <string>
#include <vector>

#include "launcher/common/unique_fd.hpp"
#include "launcher/fs/file_mount.hpp"
#include "launcher/fs/tmpfs_mount.hpp"

namespace er::launcher::oci {

// `tmpfs`: config.json's tmpfs mounts, mount points in the tree (the domain's own tmpfs there).
// `files`: its bind mounts of single files (resolv.conf, hosts, hostname), whose bytes are
// packed at their destinations.  Throws Error naming the offending host path (a device, a FIFO,
// a name too long, too large, a file mount's source that is not a regular file).
UniqueFd pack_rootfs_image(const std::string& rootfs, const std::vector<TmpfsMount>& tmpfs,
                           const std::vector<FileMount>& files = {});

}  // namespace er::launcher::oci
