#include "launcher/fs/tmpfs_mount.hpp"

#include <set>
#include <sstream>

#include "launcher/common/error.hpp"
#include "libos-abi/er_fs.h"

namespace er::launcher {
namespace {

// Options that only matter to a Linux kernel's mount, none of which a domain can observe.
bool harmless_option(const std::string& o) {
    static const std::set<std::string> kFlags{
        "rw",         "nosuid",      "suid",          "nodev",     "dev",        "noexec",
        "exec",       "sync",        "async",         "atime",     "noatime",    "relatime",
        "norelatime", "strictatime", "nostrictatime", "diratime",  "nodiratime", "lazytime",
        "nolazytime", "private",     "rprivate",      "shared",    "rshared",    "slave",
        "rslave",     "unbindable",  "runbindable",   "tmpcopyup", "bind",       "rbind",
        "mand",       "nomand",      "silent",        "loud",      "inode64",    "inode32",
        "uid=0",      "gid=0",       "huge=never"};
    return kFlags.count(o) != 0 || o.rfind("nr_inodes=", 0) == 0 || o.rfind("nr_blocks=", 0) == 0;
}

[[noreturn]] void bad(const std::string& path, const std::string& why) {
    throw Error("tmpfs mount " + path + ": " + why);
}

// size= as Linux's tmpfs reads it: bytes with an optional k, m or g (binary) suffix.
uint64_t size_of(const std::string& path, const std::string& v) {
    size_t digits = 0;
    while (digits < v.size() && v[digits] >= '0' && v[digits] <= '9') digits++;
    std::string suffix = v.substr(digits);
    uint64_t shift = 0;
    if (suffix == "k" || suffix == "K") {
        shift = 10;
    } else if (suffix == "m" || suffix == "M") {
        shift = 20;
    } else if (suffix == "g" || suffix == "G") {
        shift = 30;
    } else if (suffix == "%") {
        bad(path, "size=" + v + ": a share of memory is not supported, give bytes (size=64m)");
    } else if (!suffix.empty()) {
        bad(path, "size=" + v + " is not a size (bytes with an optional k, m or g)");
    }
    if (digits == 0 || digits > 15) bad(path, "size=" + v + " is not a size");
    uint64_t n = std::stoull(v.substr(0, digits));
    if (n > (UINT64_C(1) << 50) >> shift) bad(path, "size=" + v + " is too large");
    return n << shift;
}

uint32_t mode_of(const std::string& path, const std::string& v) {
    if (v.empty() || v.size() > 5 || v.find_first_not_of("01234567") != std::string::npos) {
        bad(path, "mode=" + v + " is not an octal mode (such as 1777 or 755)");
    }
    return static_cast<uint32_t>(std::stoul(v, nullptr, 8)) & 07777;
}

// "/run/", "//dev/./shm" -> "/run", "/dev/shm"; "..", relative paths and "/" refused.
std::string clean_path(const std::string& path) {
    if (path.empty() || path[0] != '/') bad(path, "the path must be absolute");
    std::string out;
    std::istringstream parts(path);
    std::string part;
    while (std::getline(parts, part, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..") bad(path, "the path must not contain \"..\"");
        if (part.size() > ER_FS_NAME_MAX) bad(path, "a path component is longer than 255 bytes");
        out += "/" + part;
    }
    if (out.empty()) bad(path, "a tmpfs cannot replace the whole tree (/)");
    return out;
}

}  // namespace

TmpfsMount make_tmpfs_mount(const std::string& path, const std::vector<std::string>& options) {
    TmpfsMount m;
    m.path = clean_path(path);
    for (const std::string& o : options) {
        if (o.rfind("size=", 0) == 0) {
            m.size = size_of(m.path, o.substr(5));
        } else if (o.rfind("mode=", 0) == 0) {
            m.mode = mode_of(m.path, o.substr(5));
        } else if (o == "ro") {
            bad(m.path, "option ro: an empty read-only tmpfs is not supported");
        } else if (!o.empty() && !harmless_option(o)) {
            bad(m.path,
                "option " + o + " is not supported (size=, mode= and the usual mount flags are)");
        }
    }
    return m;
}

TmpfsMount parse_tmpfs_flag(const std::string& spec) {
    size_t colon = spec.find(':');
    std::vector<std::string> options;
    if (colon != std::string::npos) {
        std::istringstream list(spec.substr(colon + 1));
        std::string o;
        while (std::getline(list, o, ',')) options.push_back(o);
    }
    return make_tmpfs_mount(spec.substr(0, colon), options);
}

void check_tmpfs_mounts(const std::vector<TmpfsMount>& mounts) {
    if (mounts.size() > ER_FS_MAX_MOUNTS) {
        throw Error("too many tmpfs mounts (" + std::to_string(mounts.size()) + "; at most " +
                    std::to_string(ER_FS_MAX_MOUNTS) + " per domain)");
    }
    for (size_t i = 0; i < mounts.size(); ++i) {
        for (size_t j = 0; j < mounts.size(); ++j) {
            const std::string& a = mounts[i].path;
            const std::string& b = mounts[j].path;
            if (i < j && a == b) bad(a, "given twice");
            if (i != j && b.size() > a.size() && b.compare(0, a.size(), a) == 0 &&
                b[a.size()] == '/') {
                bad(b, "lies inside tmpfs mount " + a + " (nested tmpfs mounts are not supported)");
            }
        }
    }
}

}  // namespace er::launcher
