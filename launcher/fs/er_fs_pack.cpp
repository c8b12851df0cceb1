#include "launcher/fs/er_fs_pack.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/size.hpp"
#include "launcher/common/unique_fd.hpp"
#include "libos-abi/er_fs.h"

namespace er::launcher {
namespace {

struct Node {
    std::string host_path;  // for reading and for errors
    std::string name;       // empty for the root
    uint32_t parent = 0;
    struct stat st {};
    uint32_t first_child = 0;
    uint32_t child_count = 0;
};

struct DirCloser {
    void operator()(DIR* d) const { ::closedir(d); }
};

const char* kind_of(mode_t mode) {
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISFIFO(mode)) return "a FIFO";
    return "not a file, directory or symlink";
}

struct stat lstat_or_throw(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) throw_errno("cannot stat", path);
    return st;
}

// The names in directory `path`, sorted bytewise (the image's lookup order).
std::vector<std::string> list_dir(const std::string& path) {
    std::unique_ptr<DIR, DirCloser> dir(::opendir(path.c_str()));
    if (!dir) throw_errno("cannot open directory", path);
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

// Not read_regular_file(): the size comes from the walk's lstat (already checked against the
// limits), and O_NOFOLLOW refuses a file swapped for a symlink since then.
std::vector<uint8_t> read_file(const std::string& path, uint64_t size) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) throw_errno("cannot open", path);
    return read_exact(fd.get(), size, path, "file shrank while being packed");
}

std::vector<uint8_t> read_link(const std::string& path, uint64_t size) {
    std::vector<uint8_t> target(size + 1);
    ssize_t n = ::readlink(path.c_str(), reinterpret_cast<char*>(target.data()), target.size());
    if (n < 0) throw_errno("cannot read symlink", path);
    if (static_cast<uint64_t>(n) != size) throw Error("symlink changed while being packed", path);
    target.resize(size);
    return target;
}

uint64_t mtime_ns(const struct stat& st) {
    if (st.st_mtim.tv_sec < 0) return 0;  // before 1970: the format has no negative times
    return static_cast<uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ull +
           static_cast<uint64_t>(st.st_mtim.tv_nsec);
}

template <typename T>
void put(std::vector<uint8_t>& image, uint64_t offset, const T& value) {
    std::memcpy(image.data() + offset, &value, sizeof value);
}

}  // namespace

std::vector<uint8_t> pack_er_fs(const std::string& root, const ErFsLimits& limits) {
    std::string root_path = root;
    while (root_path.size() > 1 && root_path.back() == '/') root_path.pop_back();
    std::vector<Node> nodes;
    nodes.push_back(Node{root_path, "", 0, {}, 0, 0});
    // stat(), not lstat(): the root itself may be given through a symlink.
    if (::stat(root_path.c_str(), &nodes[0].st) != 0) throw_errno("cannot stat", root_path);
    if (!S_ISDIR(nodes[0].st.st_mode)) throw Error("is not a directory", root_path);

    // Breadth first: each directory's children are appended together, sorted, so they are
    // contiguous and every parent has a smaller index than its children (er_fs.h).
    uint64_t strtab_size = 0, data_size = 0;
    auto too_big = [&](const std::string& path) {
        throw Error(
            "the tree is too big for an er-fs image (over " + format_size(limits.max_image) + ")",
            path);
    };
    for (size_t i = 0; i < nodes.size(); ++i) {
        if (!S_ISDIR(nodes[i].st.st_mode)) continue;
        std::vector<std::string> names = list_dir(nodes[i].host_path);
        if (nodes.size() + names.size() > UINT32_MAX / 2) too_big(nodes[i].host_path);
        nodes[i].first_child = static_cast<uint32_t>(nodes.size());
        nodes[i].child_count = static_cast<uint32_t>(names.size());
        for (std::string& name : names) {
            Node child;
            child.host_path = nodes[i].host_path + "/" + name;
            child.st = lstat_or_throw(child.host_path);
            mode_t type = child.st.st_mode & S_IFMT;
            if (type != S_IFDIR && type != S_IFREG && type != S_IFLNK) {
                throw Error(std::string("is ") + kind_of(child.st.st_mode) +
                                "; er-fs holds only regular files, directories and symlinks",
                            child.host_path);
            }
            if (type != S_IFDIR) {
                auto size = static_cast<uint64_t>(child.st.st_size);
                if (size > limits.max_file) {
                    throw Error(
                        "is too big for an er-fs image (over " + format_size(limits.max_file) + ")",
                        child.host_path);
                }
                data_size += size;
            }
            strtab_size += name.size();
            if (data_size + strtab_size > limits.max_image) too_big(child.host_path);
            child.name = std::move(name);
            child.parent = static_cast<uint32_t>(i);
            nodes.push_back(std::move(child));
        }
    }

    er_fs_header header{};
    header.magic = ER_FS_MAGIC;
    header.version = ER_FS_VERSION;
    header.entry_count = static_cast<uint32_t>(nodes.size());
    header.entries_off = sizeof(er_fs_header);
    header.strtab_off = header.entries_off + nodes.size() * sizeof(er_fs_entry);
    header.strtab_size = strtab_size;
    // File data starts 8-byte aligned so the guest can read it with aligned loads.
    header.data_off = (header.strtab_off + strtab_size + 7) & ~7ull;
    header.data_size = data_size;
    header.total_size = header.data_off + data_size;
    if (header.total_size > limits.max_image) too_big(root_path);

    std::vector<uint8_t> image(header.total_size, 0);
    put(image, 0, header);
    uint64_t name_off = 0, data_off = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        er_fs_entry e{};
        e.parent = n.parent;
        e.mode = static_cast<uint32_t>(n.st.st_mode & (S_IFMT | 07777));
        e.name_off = static_cast<uint32_t>(name_off);
        e.name_len = static_cast<uint32_t>(n.name.size());
        e.mtime_ns = mtime_ns(n.st);
        std::memcpy(image.data() + header.strtab_off + name_off, n.name.data(), n.name.size());
        name_off += n.name.size();
        if (S_ISDIR(n.st.st_mode)) {
            e.first_child = n.first_child;
            e.child_count = n.child_count;
        } else {
            auto size = static_cast<uint64_t>(n.st.st_size);
            std::vector<uint8_t> bytes =
                S_ISLNK(n.st.st_mode) ? read_link(n.host_path, size) : read_file(n.host_path, size);
            e.data_off = data_off;
            e.size = size;
            if (!bytes.empty()) {
                std::memcpy(image.data() + header.data_off + data_off, bytes.data(), bytes.size());
            }
            data_off += size;
        }
        put(image, header.entries_off + i * sizeof(er_fs_entry), e);
    }
    return image;
}

}  // namespace er::launcher
