// Finds the container's program inside its rootfs, as the container would see it: process.args[0]
// with a '/' is a path in the rootfs, otherwise it is looked up along process.env's PATH (docker's
// default PATH when there is none).  Every lookup is confined to the rootfs (openat2
// RESOLVE_IN_ROOT: an absolute symlink or ".." cannot leave it).  The file must be a static
// x86-64 ELF the guest loads: a dynamic one (PT_INTERP) is refused with the reason.
#pragma once

#include <string>
#include <vector>

#include "launcher/common/unique_fd.hpp"

namespace er::launcher::oci {

struct ResolvedApp {
    UniqueFd fd;               // the program file, O_RDONLY|O_CLOEXEC
    std::string path_in_root;  // where it was found, as the container sees it
};

// Throws Error naming args[0] and why: not found, not a regular file, not executable, not a
// static ELF (the ELF parser's reason, e.g. "dynamically linked ...").
ResolvedApp resolve_app(const std::string& rootfs, const std::string& arg0,
                        const std::vector<std::string>& env);

}  // namespace er::launcher::oci
