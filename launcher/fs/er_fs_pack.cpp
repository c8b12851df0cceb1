#include "launcher/fs/er_fs_pack.hpp"

#include <dirent.h>
#include <fcntl.h>
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

// The mounts' paths as component lists, for matching against the walk's relative paths.
struct MountPaths {
    const std::vector<TmpfsMount>& mounts;

    // The mount at `rel` ("run", "dev/shm"), or nullptr.
    const TmpfsMount* at(const std::string& rel) const {
        for (const TmpfsMount& m : mounts) {
            if (m.path.compare(1, std::string::npos, rel) == 0) return &m;
        }
        return nullptr;
    }
    // Whether some mount lies below `rel` ("" is the root).
    bool below(const std::string& rel) const {
        for (const TmpfsMount& m : mounts) {
            std::string prefix = "/" + rel + (rel.empty() ? "" : "/");
            if (m.path.size() > prefix.size() && m.path.compare(0, prefix.size(), prefix) == 0) {
                return true;
            }
        }
        return false;
    }
    // The names of directory `rel`'s children that lead to a mount.
    std::vector<std::string> children_of(const std::string& rel) const {
        std::vector<std::string> out;
        std::string prefix = "/" + rel + (rel.empty() ? "" : "/");
        for (const TmpfsMount& m : mounts) {
            if (m.path.size() <= prefix.size() || m.path.compare(0, prefix.size(), prefix) != 0) {
                continue;
            }
            std::string rest = m.path.substr(prefix.size());
            out.push_back(rest.substr(0, rest.find('/')));
        }
        return out;
    }
};

ErFsNode synthetic_dir(std::string name, uint32_t parent) {
    ErFsNode n;
    n.name = std::move(name);
    n.parent = parent;
    n.mode = S_IFDIR | 0755;
    return n;
}

// root: the host directory, or nullptr for a tree of only the mount points.
ErFsImage plan(const std::string* root, const ErFsLimits& limits,
               const std::vector<TmpfsMount>& mount_list) {
    check_tmpfs_mounts(mount_list);
    MountPaths mounts{mount_list};
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
            const TmpfsMount* mount = mounts.at(child_rel);
            bool leads_to_mount = mount != nullptr || mounts.below(child_rel);
            auto parent = static_cast<uint32_t>(i);
            ErFsNode node;
            if (on_host.count(name)) {
                std::string path = nodes[i].host_path + "/" + name;
                struct stat st = lstat_or_throw(path);
                mode_t type = st.st_mode & S_IFMT;
                if (leads_to_mount && type != S_IFDIR) {
                    throw Error("tmpfs mount /" + child_rel + ": " + path + " is " +
                                file_kind(st.st_mode) +
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
                     const std::vector<TmpfsMount>& mounts) {
    return plan(&root, limits, mounts);
}

ErFsImage plan_er_fs_mounts(const std::vector<TmpfsMount>& mounts) {
    return plan(nullptr, ErFsLimits{}, mounts);
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
