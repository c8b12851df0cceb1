#include "launcher/fs/file_mount.hpp"

#include <sstream>

#include "launcher/common/error.hpp"
#include "libos-abi/er_fs.h"

namespace er::launcher {
namespace {

[[noreturn]] void bad(const std::string& path, const std::string& why) {
    throw Error("file mount " + path + ": " + why);
}

// "/etc//hosts" -> "/etc/hosts"; "..", relative paths and "/" refused.
std::string clean_path(const std::string& path) {
    if (path.empty() || path[0] != '/') bad(path, "the destination must be absolute");
    std::string out;
    std::istringstream parts(path);
    std::string part;
    while (std::getline(parts, part, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..") bad(path, "the destination must not contain \"..\"");
        if (part.size() > ER_FS_NAME_MAX) bad(path, "a path component is longer than 255 bytes");
        out += "/" + part;
    }
    if (out.empty()) bad(path, "a file cannot replace the whole tree (/)");
    return out;
}

// Whether `inner` lies strictly below directory `outer` ("/etc/x" below "/etc").
bool below(const std::string& inner, const std::string& outer) {
    return inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
           inner[outer.size()] == '/';
}

}  // namespace

FileMount make_file_mount(const std::string& path, const std::string& source) {
    FileMount f;
    f.path = clean_path(path);
    if (source.empty() || source[0] != '/')
        bad(f.path, "the source " + source + " is not absolute");
    f.source = source;
    return f;
}

void check_file_mounts(const std::vector<FileMount>& files, const std::vector<TmpfsMount>& tmpfs) {
    if (files.size() > kMaxFileMounts) {
        throw Error("too many file mounts (" + std::to_string(files.size()) + "; at most " +
                    std::to_string(kMaxFileMounts) + " per domain)");
    }
    for (size_t i = 0; i < files.size(); ++i) {
        const std::string& a = files[i].path;
        for (size_t j = 0; j < files.size(); ++j) {
            const std::string& b = files[j].path;
            if (i < j && a == b) bad(a, "given twice");
            if (i != j && below(b, a)) bad(b, "lies inside file mount " + a);
        }
        for (const TmpfsMount& m : tmpfs) {
            if (a == m.path || below(a, m.path)) {
                bad(a, "lies inside tmpfs mount " + m.path + " (the tmpfs would hide it)");
            }
            if (below(m.path, a)) bad(m.path, "tmpfs mount inside file mount " + a);
        }
    }
}

}  // namespace er::launcher
