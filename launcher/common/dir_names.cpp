#include "launcher/common/dir_names.hpp"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "launcher/common/error.hpp"

namespace er::launcher {

std::vector<std::string> dir_names(const std::string& dir, const char* what,
                                   const std::function<bool(const std::string&)>& keep) {
    std::vector<std::string> names;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) {
        if (errno == ENOENT) return names;
        throw_errno(std::string("cannot read ") + what, dir);
    }
    while (dirent* e = ::readdir(d.get())) {
        std::string name = e->d_name;
        if (name != "." && name != ".." && keep(name)) names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace er::launcher
