// Changes to the tree: mkdir, mkdirat, unlink, unlinkat, rmdir.  Only /tmp is writable; the
// read-only tree answers -EROFS the way a read-only mount does (after the lookup, so a missing
// name is still -ENOENT).
#include "fs/path_walk.hpp"
#include "net/unix/unix_socket.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "time/clock.hpp"

namespace uk::sys {
namespace {

using fs::NodeKind;
using fs::NodeRef;

bool is_dot(const char* n, size_t len) {
    return len == 1 && n[0] == '.';
}
bool is_dotdot(const char* n, size_t len) {
    return len == 2 && n[0] == '.' && n[1] == '.';
}

// The app's path and where it leads: the directory holding its last component, and that name
// (`last` points into `path`).
struct ParentPath {
    char path[fs::kPathMax];
    size_t len;
    NodeRef dir;
    const char* last;
    size_t last_len;
};

// copy_path, then resolve_parent_at: the start of every call that creates or removes a name.
int resolve_user_parent(int64_t dirfd, uint64_t user_path, ParentPath* p) {
    if (int r = copy_path(user_path, p->path, &p->len); r != 0) return r;
    return resolve_parent_at(dirfd, p->path, p->len, &p->dir, &p->last, &p->last_len);
}

int64_t do_mkdir(int64_t dirfd, uint64_t user_path, uint32_t mode) {
    fs::DomainFiles& df = files();
    ParentPath p;
    if (int r = resolve_user_parent(dirfd, user_path, &p); r != 0) return r;
    if (is_dot(p.last, p.last_len) || is_dotdot(p.last, p.last_len)) return -kEEXIST;
    NodeRef existing;
    if (df.tree().lookup(p.dir, p.last, p.last_len, &existing) == 0) return -kEEXIST;
    if (p.dir.kind != NodeKind::tmp) return -kEROFS;
    fs::TmpNode* n;
    return df.fs(p.dir).create(p.dir.tmp, p.last, p.last_len, fs::kIfdir | (mode & 07777 & ~df.umask),
                         time::realtime_ns(), &n);
}

int64_t do_unlink(int64_t dirfd, uint64_t user_path, bool rmdir) {
    fs::DomainFiles& df = files();
    ParentPath p;
    if (int r = resolve_user_parent(dirfd, user_path, &p); r != 0) return r;
    if (rmdir && is_dot(p.last, p.last_len)) return -kEINVAL;
    if (rmdir && is_dotdot(p.last, p.last_len)) return -kENOTEMPTY;
    if (is_dot(p.last, p.last_len) || is_dotdot(p.last, p.last_len)) return -kEISDIR;
    if (!rmdir && net::unix_unlink(df, p.dir, p.last, p.last_len)) return 0;  // a bound socket name
    NodeRef n;
    if (int r = df.tree().lookup(p.dir, p.last, p.last_len, &n); r != 0) return r;
    if (!rmdir && p.path[p.len - 1] == '/') return df.tree().is_dir(n) ? -kEISDIR : -kENOTDIR;
    // /tmp itself and everything outside it belong to the read-only tree.
    if (p.dir.kind != NodeKind::tmp) return n.kind == NodeKind::tmp ? -kEBUSY : -kEROFS;
    int r = df.fs(p.dir).remove(p.dir.tmp, p.last, p.last_len, rmdir);
    if (r == 0) p.dir.tmp->mtime_ns = time::realtime_ns();
    return r;
}

}  // namespace

int64_t sys_mkdir(const Args& a) {
    return do_mkdir(kAtFdcwd, a.a0, uint32_t(a.a1));
}

int64_t sys_mkdirat(const Args& a) {
    return do_mkdir(int64_t(int32_t(a.a0)), a.a1, uint32_t(a.a2));
}

int64_t sys_unlink(const Args& a) {
    return do_unlink(kAtFdcwd, a.a0, false);
}

int64_t sys_rmdir(const Args& a) {
    return do_unlink(kAtFdcwd, a.a0, true);
}

int64_t sys_unlinkat(const Args& a) {
    if ((a.a2 & ~kAtRemovedir) != 0) return -kEINVAL;
    return do_unlink(int64_t(int32_t(a.a0)), a.a1, a.a2 & kAtRemovedir);
}

}  // namespace uk::sys
