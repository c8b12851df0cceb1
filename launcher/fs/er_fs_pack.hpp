// Packing a host directory into an er-fs image (libos-abi/er_fs.h), the read-only tree one domain
// sees at its /.  Deterministic: the same tree (names, bytes, modes, mtimes) gives the same image
// byte for byte, since the image is part of what a verifier measures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace er::launcher {

struct ErFsLimits {
    uint64_t max_file = 1ull << 30;   // one regular file or symlink target
    uint64_t max_image = 1ull << 30;  // the whole image (it must fit in the guest's boot window)
};

// Packs the tree under `root` (a directory; symlinks inside it are stored as symlinks, never
// followed).  Regular files, directories and symlinks only: devices, sockets and FIFOs are
// refused, as are names longer than ER_FS_NAME_MAX and files over the limits.  Throws Error with
// one line naming the offending host path ("DIR/dev/null: is a character device; ...").
std::vector<uint8_t> pack_er_fs(const std::string& root, const ErFsLimits& limits = {});

}  // namespace er::launcher
