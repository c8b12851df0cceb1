#include "fs/tree.hpp"

#include "dev/dev_tree.hpp"
#include "proc/proc_tree.hpp"
#include "sys/errno.hpp"

namespace uk::fs {
namespace {

bool is_tmp_name(const char* name, size_t len) {
    return len == 3 && name[0] == 't' && name[1] == 'm' && name[2] == 'p';
}

bool is_proc_name(const char* name, size_t len) {
    return len == 4 && name[0] == 'p' && name[1] == 'r' && name[2] == 'o' && name[3] == 'c';
}

bool is_dev_name(const char* name, size_t len) {
    return len == 3 && name[0] == 'd' && name[1] == 'e' && name[2] == 'v';
}

}  // namespace

bool Tree::is_dev_dir(NodeRef dir) const {
    if (dir.kind == NodeKind::dev) return dir.ro == dev::kRoot;
    if (dir.kind == NodeKind::tmp) {
        // A mount's root stands for the image's entry it covers.
        if (dir.tmp->parent != nullptr || dir.ro == 0 || mount_at == nullptr) return false;
        dir = NodeRef{NodeKind::ro, mount_at[dir.ro], nullptr};
    }
    if (dir.kind != NodeKind::ro || dir.ro == 0) return false;
    er_fs_entry e = ro->entry(dir.ro);
    if (e.parent != 0 || e.name_len != 3) return false;
    uint32_t len;
    const char* n = ro->name(dir.ro, &len);
    return is_dev_name(n, len);
}

NodeRef Tree::over(uint32_t dir, uint32_t i) const {
    er_fs_entry e = ro->entry(i);
    if (dir == 0 && tmp != nullptr && tmp[0].root() != nullptr && e.name_len == 3) {
        uint32_t len;
        if (is_tmp_name(ro->name(i, &len), len)) return NodeRef{NodeKind::tmp, 0, tmp[0].root()};
    }
    if (dir == 0 && proc != nullptr && e.name_len == 4) {
        uint32_t len;
        if (is_proc_name(ro->name(i, &len), len)) return proc::node(0, proc::kRoot);
    }
    if (e.parent != 0 && is_dev_dir(NodeRef{NodeKind::ro, dir, nullptr})) {
        uint32_t len;
        const char* name = ro->name(i, &len);
        if (NodeRef d; dev::lookup(name, len, &d) == 0) return d;
    }
    if ((e.mode & ER_FS_TMPFS) != 0 && mount_at != nullptr) {
        for (uint32_t k = 1; k < mounts; k++) {
            if (mount_at[k] == i) return NodeRef{NodeKind::tmp, k, tmp[k].root()};
        }
    }
    return NodeRef{NodeKind::ro, i, nullptr};
}

uint32_t Tree::mode(NodeRef n) const {
    switch (n.kind) {
        case NodeKind::ro:
            return ro->entry(n.ro).mode & ~ER_FS_TMPFS;
        case NodeKind::tmp:
            return n.tmp->mode;
        case NodeKind::proc:
            return proc::mode(n);
        case NodeKind::dev:
            return dev::mode(n);
        case NodeKind::none:
            break;
    }
    return 0;
}

NodeInfo Tree::info(NodeRef n) const {
    NodeInfo i{};
    if (n.kind == NodeKind::ro) {
        er_fs_entry e = ro->entry(n.ro);
        bool dir = (e.mode & kIfmt) == kIfdir;
        i = NodeInfo{kRoDev, uint64_t(n.ro) + 1, e.mode & ~ER_FS_TMPFS,
                     1,      dir ? 0 : e.size,   e.mtime_ns, 0, 0};
    } else if (n.kind == NodeKind::tmp) {
        i = NodeInfo{kTmpDev,       n.tmp->ino,      n.tmp->mode, n.tmp->linked,
                     n.tmp->size,   n.tmp->mtime_ns, n.tmp->uid,  n.tmp->gid};
    } else if (n.kind == NodeKind::proc) {
        i = proc::info(n);
    } else if (n.kind == NodeKind::dev) {
        i = dev::info(n);
    }
    // Directories report 2 links like most Linux file systems' empty directories; a directory's
    // st_size is a block, as ext4 shows it.
    if ((i.mode & kIfmt) == kIfdir) i.nlink = i.nlink == 0 ? 0 : 2, i.size = 4096;
    return i;
}

NodeRef Tree::parent(NodeRef n) const {
    if (n.kind == NodeKind::ro) return NodeRef{NodeKind::ro, ro->entry(n.ro).parent, nullptr};
    if (n.kind == NodeKind::tmp) {
        if (n.tmp->parent == nullptr) {
            // A mount's root: the directory holding its mount point (/tmp/.. is /).
            if (n.ro == 0 || mount_at == nullptr) return root();
            return NodeRef{NodeKind::ro, ro->entry(mount_at[n.ro]).parent, nullptr};
        }
        return NodeRef{NodeKind::tmp, n.ro, n.tmp->parent};
    }
    if (n.kind == NodeKind::proc) return proc::parent(n, root());
    if (n.kind == NodeKind::dev && n.ro != dev::kRoot) {
        // The image's /dev when it has one (the device was found there), else the synthetic.
        NodeRef d;
        return lookup(root(), "dev", 3, &d) == 0 ? d : root();
    }
    return root();
}

int Tree::lookup(NodeRef dir, const char* name, size_t len, NodeRef* out) const {
    if (!is_dir(dir)) return -kENOTDIR;
    if (is_dev_dir(dir)) {
        if (dev::lookup(name, len, out) == 0) return 0;
        if (dir.kind == NodeKind::dev) return -kENOENT;
    }
    if (dir.kind == NodeKind::ro) {
        // /tmp is always the private writable directory, over whatever the image has there.
        if (dir.ro == 0 && is_tmp_name(name, len) && tmp != nullptr && tmp[0].root() != nullptr) {
            *out = NodeRef{NodeKind::tmp, 0, tmp[0].root()};
            return 0;
        }
        // /proc likewise, whether or not the image has a directory there.
        if (dir.ro == 0 && proc != nullptr && is_proc_name(name, len)) {
            *out = proc::node(0, proc::kRoot);
            return 0;
        }
        int64_t i = ro->lookup(dir.ro, name, len);
        // /dev likewise when the image has none.
        if (i < 0 && dir.ro == 0 && is_dev_name(name, len)) {
            *out = dev::node(dev::kRoot);
            return 0;
        }
        if (i < 0) return -kENOENT;
        *out = over(dir.ro, uint32_t(i));
        return 0;
    }
    if (dir.kind == NodeKind::proc) return proc::lookup(*proc, dir, name, len, out);
    TmpNode* c = fs(dir).lookup(dir.tmp, name, len);
    if (c == nullptr) return -kENOENT;
    *out = NodeRef{NodeKind::tmp, dir.ro, c};
    return 0;
}

const char* Tree::link_target(NodeRef n, size_t* len) const {
    if (n.kind == NodeKind::proc) return proc::link_target(*proc, n, len);
    er_fs_entry e = ro->entry(n.ro);
    *len = e.size;
    return reinterpret_cast<const char*>(ro->data(e));
}

const char* Tree::name(NodeRef n, size_t* len) const {
    if (n.kind == NodeKind::proc) return proc::name(n, len);
    if (n.kind == NodeKind::dev) return dev::name(n, len);
    if (n.kind == NodeKind::tmp) {
        if (n.tmp->parent == nullptr && (n.ro == 0 || mount_at == nullptr)) {
            *len = 3;
            return "tmp";
        }
        if (n.tmp->parent == nullptr) n = NodeRef{NodeKind::ro, mount_at[n.ro], nullptr};
        if (n.kind == NodeKind::tmp) {
            *len = n.tmp->name_len;
            return n.tmp->name;
        }
    }
    uint32_t l;
    const char* s = ro->name(n.ro, &l);
    *len = l;
    return s;
}

}  // namespace uk::fs
