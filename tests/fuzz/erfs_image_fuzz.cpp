// libFuzzer target for the guest's er-fs checker and the path walk over it (unikernel/fs/, compiled
// for the host as tests/unit/guest does).  The image comes from the host, so it is hostile: any
// bytes must be refused by validate() or give a tree on which every lookup and path walk stays in
// bounds (ASan), terminates, and agrees with the entry table.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fs/erfs_image.hpp"
#include "fs/path_walk.hpp"
#include "fs/tree.hpp"
#include "sys/errno.hpp"

namespace {

using namespace uk::fs;

void require(bool condition) {
    if (!condition) std::abort();
}

bool walk_error(int r) {
    return r == -uk::kENOENT || r == -uk::kENOTDIR || r == -uk::kELOOP || r == -uk::kENAMETOOLONG;
}

// Absolute path of entry i from the parent links (validate() guarantees parent < i).
std::string path_to(const ErfsImage& img, uint32_t i) {
    if (i == 0) return "/";
    std::vector<uint32_t> chain;
    for (uint32_t n = i; n != 0; n = img.entry(n).parent) chain.push_back(n);
    std::string path;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        uint32_t len;
        const char* name = img.name(*it, &len);
        path += '/';
        path.append(name, len);
    }
    return path;
}

void check_tree(const ErfsImage& img) {
    // Without /tmp mounted, every entry is reachable by its own path.
    Tree tree{&img, nullptr};
    uint32_t count = img.count();
    // Bounded so one input stays fast: the checks below are per entry.
    uint32_t checked = count < 4096 ? count : 4096;
    for (uint32_t i = 0; i < checked; i++) {
        er_fs_entry e = img.entry(i);
        if (i != 0) {
            uint32_t len;
            const char* name = img.name(i, &len);
            require(img.lookup(e.parent, name, len) == int64_t(i));
        }
        std::string path = path_to(img, i);
        NodeRef node;
        int r = resolve(tree, tree.root(), path.data(), path.size(), false, &node);
        if (path.size() >= kPathMax) {
            require(r == -uk::kENAMETOOLONG);
            continue;
        }
        require(r == 0 && node.kind == NodeKind::ro && node.ro == i);
        NodeInfo info = tree.info(node);
        require(info.mode == (e.mode & ~ER_FS_TMPFS));  // a mount point's flag is not a mode
        if ((e.mode & ER_FS_IFMT) == ER_FS_IFDIR) {
            char buf[kPathMax];
            int64_t n = path_of(tree, node, buf, sizeof buf);
            require(n == int64_t(path.size() + 1) &&
                    std::memcmp(buf, path.data(), path.size()) == 0);
        } else if ((e.mode & ER_FS_IFMT) == ER_FS_IFLNK) {
            // Followed from the directory that holds it: any target, relative or absolute, ends
            // in a node or a Linux error, within the link limits.
            NodeRef target;
            r = resolve(tree, tree.parent(node), path.data(), path.size(), true, &target);
            require(r == 0 || walk_error(r));
            NodeRef parent;
            const char* last;
            size_t last_len;
            r = resolve_parent(tree, tree.root(), path.data(), path.size(), &parent, &last,
                               &last_len);
            require(r == 0 && parent.kind == NodeKind::ro && parent.ro == e.parent);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // An exact-size copy, so ASan sees a read one byte past the image.
    std::unique_ptr<uint8_t[]> exact(new uint8_t[size]);
    if (size) std::memcpy(exact.get(), data, size);
    ErfsImage img;
    ImageStatus s = img.validate(exact.get(), size);
    require(describe(s)[0] != '\0');
    if (s == ImageStatus::ok) {
        require(img.count() >= 1);
        check_tree(img);
    } else {
        require(img.count() == 0);  // a refused image serves nothing
    }
    return 0;
}
