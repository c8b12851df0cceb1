// A single host file a domain's tree shows at a given path: an OCI bind mount of a regular file,
// as docker gives every container for /etc/resolv.conf, /etc/hosts and /etc/hostname (docs/oci.md
// "Name resolution files").  The packer (er_fs_pack.hpp) copies the file's bytes into the
// domain's er-fs tree at that path when the tree is packed: read-only, measured with the tree,
// and what a later change of the host file does is not seen (the tree is a snapshot).
#pragma once

#include <string>
#include <vector>

#include "launcher/fs/tmpfs_mount.hpp"

namespace er::launcher {

struct FileMount {
    std::string path;    // absolute and clean: "/etc/resolv.conf" (never "/")
    std::string source;  // the host file (absolute); read when the tree is packed
};

// The mount of `source` at `path`.  Throws Error naming the mount for a relative or ".."
// destination, "/", or a relative source.
FileMount make_file_mount(const std::string& path, const std::string& source);

// Checks a domain's file mounts together and against its tmpfs mounts: none given twice, none
// inside another file, none at or inside a tmpfs mount (the tmpfs would hide it), at most
// kMaxFileMounts.  Throws Error.
void check_file_mounts(const std::vector<FileMount>& files, const std::vector<TmpfsMount>& tmpfs);

constexpr size_t kMaxFileMounts = 64;

}  // namespace er::launcher
