// chmod, fchmod, fchmodat, chown, fchown, lchown, fchownat.  Only /tmp and the tmpfs mounts
// keep modes and owners; the read-only tree refuses with EROFS, as a read-only mount does, and
// /proc with EPERM.  Everything runs as root, so any change is allowed.
#include "fs/path_walk.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "sys/sys_procfs.hpp"

namespace uk::sys {
namespace {

using fs::FileKind;
using fs::NodeKind;
using fs::NodeRef;

constexpr uint32_t kSuid = 04000, kSgid = 02000, kIxgrp = 00010;
constexpr uint32_t kNoChange = 0xFFFFFFFFu;  // (uid_t)-1

int64_t node_of_path(int64_t dirfd, uint64_t user_path, bool follow, bool empty_ok,
                     NodeRef* n) {
    char path[fs::kPathMax];
    size_t len;
    if (int r = copy_path(user_path, path, &len); r != 0) return r;
    if (len == 0 && empty_ok) {  // AT_EMPTY_PATH: dirfd itself (the cwd for AT_FDCWD)
        if (dirfd == kAtFdcwd) {
            *n = files().cwd;
            return 0;
        }
        fs::OpenFile* f = files().fds.get(dirfd);
        if (f == nullptr || f->kind != FileKind::node) return -kEBADF;
        *n = f->node;
        return 0;
    }
    return lookup_at(dirfd, path, len, follow, n);
}

// Which error a node that cannot change gives: 0 when it is a /tmp node.
int64_t refusal(NodeRef n) {
    if (n.kind == NodeKind::tmp) return 0;
    return n.kind == NodeKind::proc ? -kEPERM : -kEROFS;
}

int64_t do_chmod(NodeRef n, uint64_t mode) {
    if (int64_t r = refusal(n); r != 0) return r;
    n.tmp->mode = (n.tmp->mode & fs::kIfmt) | (uint32_t(mode) & 07777);
    return 0;
}

int64_t do_chown(NodeRef n, uint64_t uid, uint64_t gid) {
    if (int64_t r = refusal(n); r != 0) return r;
    fs::TmpNode* t = n.tmp;
    if (uint32_t(uid) != kNoChange) t->uid = uint32_t(uid);
    if (uint32_t(gid) != kNoChange) t->gid = uint32_t(gid);
    // Linux drops set-user-ID, and set-group-ID where group execute makes it one, from a file
    // whose owner changes hands, even for root (chown(2)).
    if ((t->mode & fs::kIfmt) != fs::kIfdir) {
        t->mode &= ~kSuid;
        if ((t->mode & (kSgid | kIxgrp)) == (kSgid | kIxgrp)) t->mode &= ~kSgid;
    }
    return 0;
}

// The descriptor's node for fchmod/fchown: the console streams (pipes on the host side) accept
// and keep nothing, as an anonymous pipe's inode would not be visible anyway.
int64_t fd_node(uint64_t fd, NodeRef* n, bool* none) {
    fs::OpenFile* f = files().fds.get(int64_t(int32_t(fd)));
    if (f == nullptr) return -kEBADF;
    *none = f->kind != FileKind::node;
    if (!*none) *n = f->node;
    return 0;
}

}  // namespace

int64_t sys_chmod(const Args& a) {
    NodeRef n;
    if (int64_t r = node_of_path(kAtFdcwd, a.a0, true, false, &n); r != 0) return r;
    return do_chmod(n, a.a1);
}

int64_t sys_fchmodat(const Args& a) {
    // The syscall has no flags argument (glibc's AT_SYMLINK_NOFOLLOW emulation is its own).
    NodeRef n;
    if (int64_t r = node_of_path(int64_t(int32_t(a.a0)), a.a1, true, false, &n); r != 0) return r;
    return do_chmod(n, a.a2);
}

int64_t sys_fchmod(const Args& a) {
    NodeRef n;
    bool none;
    if (int64_t r = fd_node(a.a0, &n, &none); r != 0) return r;
    return none ? 0 : do_chmod(n, a.a1);
}

int64_t sys_chown(const Args& a) {
    NodeRef n;
    if (int64_t r = node_of_path(kAtFdcwd, a.a0, true, false, &n); r != 0) return r;
    return do_chown(n, a.a1, a.a2);
}

int64_t sys_lchown(const Args& a) {
    NodeRef n;
    if (int64_t r = node_of_path(kAtFdcwd, a.a0, false, false, &n); r != 0) return r;
    return do_chown(n, a.a1, a.a2);
}

int64_t sys_fchown(const Args& a) {
    NodeRef n;
    bool none;
    if (int64_t r = fd_node(a.a0, &n, &none); r != 0) return r;
    return none ? 0 : do_chown(n, a.a1, a.a2);
}

int64_t sys_fchownat(const Args& a) {
    uint64_t flags = a.a4;
    if ((flags & ~(kAtSymlinkNofollow | kAtEmptyPath)) != 0) return -kEINVAL;
    NodeRef n;
    if (int64_t r = node_of_path(int64_t(int32_t(a.a0)), a.a1, !(flags & kAtSymlinkNofollow),
                                 flags & kAtEmptyPath, &n);
        r != 0)
        return r;
    return do_chown(n, a.a2, a.a3);
}

}  // namespace uk::sys
