#include "launcher/fs/er_fs_pack.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>

#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/size.hpp"
#include "launcher/common/unique_fd.hpp"

namespace er::launcher {
namespace {

struct DirCloser {
    void operator()(DIR* d) const { ::closedir(d); }
};

struct stat lstat_or_throw(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) throw_errno("cannot stat", path);
    return st;
}

// The names in directory `path`, sorted bytewise (the image's lookup order).  Opened O_NOFOLLOW
// (except the root, which may be given through a symlink) and O_NONBLOCK: a directory swapped for
// a symlink or a FIFO since its lstat is refused, never followed or waited on.
std::vector<std::string> list_dir(const std::string& path, bool follow) {
    int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW);
    UniqueFd fd(::open(path.c_str(), flags));
    if (!fd.valid()) throw_errno("cannot open directory", path);
    std::unique_ptr<DIR, DirCloser> dir(::fdopendir(fd.get()));
    if (!dir) throw_errno("cannot open directory", path);
    (void)fd.release();  // the DIR owns it now
    std::vector<std::string> names;
    for (;;) {
        errno = 0;
        dirent* e = ::readdir(dir.get());
        if (e == nullptr) {
            if (errno != 0) throw_errno("cannot read directory", path);
            break;
        }
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        if (name.size() > ER_FS_NAME_MAX) {
            throw Error("name is longer than " + std::to_string(ER_FS_NAME_MAX) + " bytes",
                        path + "/" + name);
        }
        names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    return names;
}

uint64_t mtime_ns(const struct stat& st) {
    if (st.st_mtim.tv_sec < 0) return 0;  // before 1970: the format has no negative times
    return static_cast<uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ull +
           static_cast<uint64_t>(st.st_mtim.tv_nsec);
}

ErFsNode node_from(std::string host_path, std::string name, uint32_t parent,
                   const struct stat& st) {
    ErFsNode n;
    n.host_path = std::move(host_path);
    n.name = std::move(name);
    n.parent = parent;
    n.mode = static_cast<uint32_t>(st.st_mode & (S_IFMT | 07777));
    n.size = S_ISDIR(st.st_mode) ? 0 : static_cast<uint64_t>(st.st_size);
    n.mtime_ns = mtime_ns(st);
    return n;
}

// The file's bytes, read now: the walk saw a regular file of n.size bytes; the open (no follow,
// no blocking) and its fstat must still see one.
void write_file(const ErFsNode& n, std::span<uint8_t> dest) {
    InputFile file = open_input(n.host_path, "regular file", FollowLinks::no);
    if (file.size != n.size) throw Error("file changed size while being packed", n.host_path);
    read_input_into(file, dest, "file changed size while being packed");
}

void write_link(const ErFsNode& n, std::span<uint8_t> dest) {
    std::vector<char> target(n.size + 1);
    ssize_t len = ::readlink(n.host_path.c_str(), target.data(), target.size());
    if (len < 0) throw_errno("cannot read symlink", n.host_path);
    if (static_cast<uint64_t>(len) != n.size) {
        throw Error("symlink changed while being packed", n.host_path);
    }
    if (n.size != 0) std::memcpy(dest.data(), target.data(), n.size);
}

template <typename T>
void put(std::span<uint8_t> image, uint64_t offset, const T& value) {
    std::memcpy(image.data() + offset, &value, sizeof value);
}

}  // namespace

namespace {

// The paths the tree gets besides its own entries: tmpfs mount points and file mounts.
struct Injected {
    const std::vector<TmpfsMount>& mounts;
    const std::vector<FileMount>& files;

    // The mount at `rel` ("run", "dev/shm"), or nullptr.
    const TmpfsMount* mount_at(const std::string& rel) const {
        for (const TmpfsMount& m : mounts) {
            if (m.path.compare(1, std::string::npos, rel) == 0) return &m;
        }
        return nullptr;
    }
    // The file mount at `rel` ("etc/hosts"), or nullptr.
    const FileMount* file_at(const std::string& rel) const {
        for (const FileMount& f : files) {
            if (f.path.compare(1, std::string::npos, rel) == 0) return &f;
        }
        return nullptr;
    }
    // Whether a tmpfs mount is at or below `rel` (for errors: which kind of mount needs it).
    bool tmpfs_at_or_below(const std::string& rel) const {
        for (const TmpfsMount& m : mounts) {
            if (m.path.compare(1, std::string::npos, rel) == 0 ||
                m.path.compare(0, rel.size() + 2, "/" + rel + "/") == 0) {
                return true;
            }
        }
        return false;
    }
    // Calls `fn` with every injected path ("/run", "/etc/hosts").
    template <typename Fn>
    void each_path(Fn fn) const {
        for (const TmpfsMount& m : mounts) fn(m.path);
        for (const FileMount& f : files) fn(f.path);
    }
    // Whether some injected path lies below `rel` ("" is the root).
    bool below(const std::string& rel) const {
        std::string prefix = "/" + rel + (rel.empty() ? "" : "/");
        bool found = false;
        each_path([&](const std::string& p) {
            found = found || (p.size() > prefix.size() && p.compare(0, prefix.size(), prefix) == 0);
        });
        return found;
    }
    // The names of directory `rel`'s children that are or lead to an injected path.
    std::vector<std::string> children_of(const std::string& rel) const {
        std::vector<std::string> out;
        std::string prefix = "/" + rel + (rel.empty() ? "" : "/");
        each_path([&](const std::string& p) {
            if (p.size() <= prefix.size() || p.compare(0, prefix.size(), prefix) != 0) return;
            std::string rest = p.substr(prefix.size());
            out.push_back(rest.substr(0, rest.find('/')));
        });
        return out;
    }
};

// A file mount's node: the host file it names (symlinks resolved: the source is the caller's
// host path, as a bind mount's is), which must be a regular file.
ErFsNode file_mount_node(const FileMount& f, std::string name, uint32_t parent,
                         const ErFsLimits& limits) {
    char resolved[PATH_MAX];
    if (::realpath(f.source.c_str(), resolved) == nullptr) {
        throw_errno("cannot resolve the source of file mount " + f.path, f.source);
    }
    struct stat st = lstat_or_throw(resolved);
    if (!S_ISREG(st.st_mode)) {
        throw Error("the source of file mount " + f.path + " is " + file_kind(st.st_mode) +
                        ", not a regular file",
                    f.source);
    }
    if (static_cast<uint64_t>(st.st_size) > limits.max_file) {
        throw Error("the source of file mount " + f.path + " is too big for an er-fs image (over " +
                        format_size(limits.max_file) + ")",
                    f.source);
    }
    ErFsNode n = node_from(resolved, std::move(name), parent, st);
    n.mode = S_IFREG | (n.mode & 0777);  // no set-id bits: a domain has no users
    return n;
}

ErFsNode synthetic_dir(std::string name, uint32_t parent) {
    ErFsNode n;
    n.name = std::move(name);
    n.parent = parent;
    n.mode = S_IFDIR | 0755;
    return n;
}

// root: the host directory, or nullptr for a tree of only the mount points.
ErFsImage plan(const std::string* root, const ErFsLimits& limits,
               const std::vector<TmpfsMount>& mount_list, const std::vector<FileMount>& file_list) {
    check_tmpfs_mounts(mount_list);
    check_file_mounts(file_list, mount_list);
    Injected mounts{mount_list, file_list};
    std::string root_path = root ? *root : "";
    while (root_path.size() > 1 && root_path.back() == '/') root_path.pop_back();
    std::vector<ErFsNode> nodes;
    std::vector<std::string> rel{""};   // each node's path below the root, no leading '/'
    std::vector<bool> is_mount{false};  // mount points list no children
    if (root) {
        // stat(), not lstat(): the root itself may be given through a symlink.
        struct stat root_st {};
        if (::stat(root_path.c_str(), &root_st) != 0) throw_errno("cannot stat", root_path);
        if (!S_ISDIR(root_st.st_mode)) throw Error("is not a directory", root_path);
        nodes.push_back(node_from(root_path, "", 0, root_st));
    } else {
        nodes.push_back(synthetic_dir("", 0));
    }

    // Breadth first: each directory's children are appended together, sorted, so they are
    // contiguous and every parent has a smaller index than its children (er_fs.h).
    uint64_t strtab_size = 0, data_size = 0;
    auto too_big = [&](const std::string& path) {
        throw Error(
            "the tree is too big for an er-fs image (over " + format_size(limits.max_image) + ")",
            path);
    };
    for (size_t i = 0; i < nodes.size(); ++i) {
        if (!S_ISDIR(nodes[i].mode) || is_mount[i]) continue;
        std::vector<std::string> names;
        if (!nodes[i].host_path.empty()) names = list_dir(nodes[i].host_path, i == 0);
        std::set<std::string> on_host(names.begin(), names.end());
        for (std::string& n : mounts.children_of(rel[i])) {
            if (!on_host.count(n)) names.push_back(std::move(n));
        }
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        if (nodes.size() + names.size() > UINT32_MAX / 2) too_big(nodes[i].host_path);
        nodes[i].first_child = static_cast<uint32_t>(nodes.size());
        nodes[i].child_count = static_cast<uint32_t>(names.size());
        for (std::string& name : names) {
            std::string child_rel = rel[i].empty() ? name : rel[i] + "/" + name;
            const TmpfsMount* mount = mounts.mount_at(child_rel);
            const FileMount* file = mounts.file_at(child_rel);
            bool leads_to_mount = mount != nullptr || mounts.below(child_rel);
            auto parent = static_cast<uint32_t>(i);
            ErFsNode node;
            if (file && on_host.count(name)) {
                // The tree's own entry there (a file or symlink) is replaced, as a bind mount
                // hides it; a directory is refused (runc would mount a file over it and fail).
                std::string path = nodes[i].host_path + "/" + name;
                struct stat st = lstat_or_throw(path);
                if (S_ISDIR(st.st_mode)) {
                    throw Error("file mount " + file->path + ": " + path +
                                " is a directory in the tree; a file mount needs a file, a "
                                "symlink or nothing there");
                }
            }
            if (file) {
                node = file_mount_node(*file, name, parent, limits);
                data_size += node.size;
            } else if (on_host.count(name)) {
                std::string path = nodes[i].host_path + "/" + name;
                struct stat st = lstat_or_throw(path);
                mode_t type = st.st_mode & S_IFMT;
                if (leads_to_mount && type != S_IFDIR) {
                    throw Error(
                        std::string(mounts.tmpfs_at_or_below(child_rel) ? "tmpfs" : "file") +
                        " mount /" + child_rel + ": " + path + " is " + file_kind(st.st_mode) +
                        " in the tree; a mount point and the directories leading to it "
                        "must be directories (give the path a symlink points to)");
                }
                if (type != S_IFDIR && type != S_IFREG && type != S_IFLNK) {
                    throw Error(std::string("is ") + file_kind(st.st_mode) +
                                    "; er-fs holds only regular files, directories and symlinks",
                                path);
                }
                if (type != S_IFDIR) {
                    auto size = static_cast<uint64_t>(st.st_size);
                    if (size > limits.max_file) {
                        throw Error("is too big for an er-fs image (over " +
                                        format_size(limits.max_file) + ")",
                                    path);
                    }
                    data_size += size;
                }
                node = node_from(std::move(path), name, parent, st);
            } else {
                node = synthetic_dir(name, parent);
            }
            if (mount) {
                // Its root's mode and limit; what the tree has below it is not listed.
                node.mode = S_IFDIR | ER_FS_TMPFS | mount->mode;
                node.size = mount->size;
            }
            strtab_size += name.size();
            if (data_size + strtab_size > limits.max_image) too_big(node.host_path);
            nodes.push_back(std::move(node));
            rel.push_back(std::move(child_rel));
            is_mount.push_back(mount != nullptr);
        }
    }

    er_fs_header header{};
    header.magic = ER_FS_MAGIC;
    // Version 1 unless there is a mount point, so the images (and measurements) of trees without
    // mounts stay what they were.
    header.version = mount_list.empty() ? ER_FS_VERSION_MIN : ER_FS_VERSION;
    header.entry_count = static_cast<uint32_t>(nodes.size());
    header.entries_off = sizeof(er_fs_header);
    header.strtab_off = header.entries_off + nodes.size() * sizeof(er_fs_entry);
    header.strtab_size = strtab_size;
    // File data starts 8-byte aligned so the guest can read it with aligned loads.
    header.data_off = (header.strtab_off + strtab_size + 7) & ~7ull;
    header.data_size = data_size;
    header.total_size = header.data_off + data_size;
    if (header.total_size > limits.max_image) too_big(root_path);
    return ErFsImage(std::move(nodes), header);
}

}  // namespace

ErFsImage plan_er_fs(const std::string& root, const ErFsLimits& limits,
                     const std::vector<TmpfsMount>& mounts, const std::vector<FileMount>& files) {
    return plan(&root, limits, mounts, files);
}

ErFsImage plan_er_fs_mounts(const std::vector<TmpfsMount>& mounts) {
    return plan(nullptr, ErFsLimits{}, mounts, {});
}

void ErFsImage::write_to(std::span<uint8_t> image) const {
    const er_fs_header& h = header_;
    if (image.size() != h.total_size) throw Error("internal: er-fs destination size mismatch");
    put(image, 0, h);
    uint64_t name_off = 0, data_off = 0;
    for (size_t i = 0; i < nodes_.size(); ++i) {
        const ErFsNode& n = nodes_[i];
        er_fs_entry e{};
        e.parent = n.parent;
        e.mode = n.mode;
        e.name_off = static_cast<uint32_t>(name_off);
        e.name_len = static_cast<uint32_t>(n.name.size());
        e.mtime_ns = n.mtime_ns;
        if (!n.name.empty()) {
            std::memcpy(image.data() + h.strtab_off + name_off, n.name.data(), n.name.size());
        }
        name_off += n.name.size();
        if (S_ISDIR(n.mode)) {
            e.first_child = n.first_child;
            e.child_count = n.child_count;
            e.size = n.size;  // 0, or a tmpfs mount point's limit
        } else {
            std::span<uint8_t> dest = image.subspan(h.data_off + data_off, n.size);
            if (S_ISLNK(n.mode)) {
                write_link(n, dest);
            } else {
                write_file(n, dest);
            }
            e.data_off = data_off;
            e.size = n.size;
            data_off += n.size;
        }
        put(image, h.entries_off + i * sizeof(er_fs_entry), e);
    }
}

std::vector<uint8_t> pack_er_fs(const std::string& root, const ErFsLimits& limits) {
    ErFsImage plan = plan_er_fs(root, limits);
    std::vector<uint8_t> image(plan.size(), 0);
    plan.write_to(image);
    return image;
}

}  // namespace er::launcher
