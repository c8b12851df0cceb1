#include "fs/tree.hpp"

#include "sys/errno.hpp"

namespace uk::fs {
namespace {

bool is_tmp_name(const char* name, size_t len) {
    return len == 3 && name[0] == 't' && name[1] == 'm' && name[2] == 'p';
}

}  // namespace

uint32_t Tree::mode(NodeRef n) const {
    switch (n.kind) {
        case NodeKind::ro:
            return ro->entry(n.ro).mode;
        case NodeKind::tmp:
            return n.tmp->mode;
        case NodeKind::none:
            break;
    }
    return 0;
}

NodeInfo Tree::info(NodeRef n) const {
    NodeInfo i{};
    if (n.kind == NodeKind::ro) {
        er_fs_entry e = ro->entry(n.ro);
        i = NodeInfo{kRoDev, uint64_t(n.ro) + 1, e.mode, 1, e.size, e.mtime_ns};
    } else if (n.kind == NodeKind::tmp) {
        i = NodeInfo{kTmpDev, n.tmp->ino, n.tmp->mode, n.tmp->linked, n.tmp->size, n.tmp->mtime_ns};
    }
    // Directories report 2 links like most Linux file systems' empty directories; a directory's
    // st_size is a block, as ext4 shows it.
    if ((i.mode & kIfmt) == kIfdir) i.nlink = i.nlink == 0 ? 0 : 2, i.size = 4096;
    return i;
}

NodeRef Tree::parent(NodeRef n) const {
    if (n.kind == NodeKind::ro) return NodeRef{NodeKind::ro, ro->entry(n.ro).parent, nullptr};
    if (n.kind == NodeKind::tmp) {
        if (n.tmp->parent == nullptr) return root();  // /tmp/.. is /
        return NodeRef{NodeKind::tmp, 0, n.tmp->parent};
    }
    return root();
}

int Tree::lookup(NodeRef dir, const char* name, size_t len, NodeRef* out) const {
    if (!is_dir(dir)) return -kENOTDIR;
    if (dir.kind == NodeKind::ro) {
        // /tmp is always the private writable directory, over whatever the image has there.
        if (dir.ro == 0 && is_tmp_name(name, len) && tmp != nullptr && tmp->root() != nullptr) {
            *out = NodeRef{NodeKind::tmp, 0, tmp->root()};
            return 0;
        }
        int64_t i = ro->lookup(dir.ro, name, len);
        if (i < 0) return -kENOENT;
        *out = NodeRef{NodeKind::ro, uint32_t(i), nullptr};
        return 0;
    }
    TmpNode* c = tmp->lookup(dir.tmp, name, len);
    if (c == nullptr) return -kENOENT;
    *out = NodeRef{NodeKind::tmp, 0, c};
    return 0;
}

const char* Tree::link_target(NodeRef n, size_t* len) const {
    er_fs_entry e = ro->entry(n.ro);
    *len = e.size;
    return reinterpret_cast<const char*>(ro->data(e));
}

const char* Tree::name(NodeRef n, size_t* len) const {
    if (n.kind == NodeKind::tmp) {
        if (n.tmp->parent == nullptr) {
            *len = 3;
            return "tmp";
        }
        *len = n.tmp->name_len;
        return n.tmp->name;
    }
    uint32_t l;
    const char* s = ro->name(n.ro, &l);
    *len = l;
    return s;
}

}  // namespace uk::fs
