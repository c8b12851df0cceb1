// Opening and closing: open, openat, creat, close, dup, dup2, dup3, fcntl, ftruncate, truncate,
// fsync (poll and ppoll are in poll/); and the helpers every file syscall shares (paths from the
// app, the directory a relative path starts from).  Writes are possible only under /tmp:
// everything else is the read-only tree (-EROFS).
#include "sys/sys_file.hpp"
#include "domain/domain.hpp"
#include "fs/path_walk.hpp"
#include "mm/layout.hpp"
#include "mm/user_access.hpp"
#include "pipe/pipe.hpp"
#include "sys/errno.hpp"
#include "sys/sys_locks.hpp"
#include "time/clock.hpp"

namespace uk::sys {
namespace {

using fs::FileKind;
using fs::NodeKind;
using fs::NodeRef;
using fs::OpenFile;

constexpr uint64_t kFDupfd = 0, kFGetfd = 1, kFSetfd = 2, kFGetfl = 3, kFSetfl = 4,
                   kFDupfdCloexec = 1030;
constexpr uint64_t kFdCloexec = 1;
constexpr uint64_t kFSetpipeSz = 1031, kFGetpipeSz = 1032;

// F_GETPIPE_SZ / F_SETPIPE_SZ: every pipe holds 64 KiB; a smaller size is accepted and kept at
// 64 KiB (Linux rounds up too), a larger one is -EPERM (as over /proc/sys/fs/pipe-max-size).
int64_t pipe_size(const OpenFile* f, bool set, uint64_t arg) {
    if (f->kind != FileKind::pipe_read && f->kind != FileKind::pipe_write) return -kEBADF;
    if (set && int64_t(int32_t(arg)) > int64_t(pipe::kCapacity)) return -kEPERM;
    return pipe::kCapacity;
}

int64_t do_open(int64_t dirfd, uint64_t user_path, uint32_t flags, uint32_t mode) {
    fs::DomainFiles& df = files();
    fs::Tree t = df.tree();
    char path[fs::kPathMax];
    size_t len;
    if (int r = copy_path(user_path, path, &len); r != 0) return r;
    uint32_t acc = flags & kOAccmode;
    if (acc == 3) return -kEINVAL;
    bool creat = flags & kOCreat;
    bool follow = !(flags & kONofollow) && !(creat && (flags & kOExcl));
    NodeRef node;
    int r = lookup_at(dirfd, path, len, follow, &node);
    if (r == 0) {
        if (creat && (flags & kOExcl)) return -kEEXIST;
        if (t.is_symlink(node)) return -kELOOP;  // O_NOFOLLOW on a symlink
        bool dir = t.is_dir(node);
        if ((flags & kODirectory) && !dir) return -kENOTDIR;
        if (dir && (acc != kORdonly || (flags & kOTrunc) || creat)) return -kEISDIR;
        if (node.kind == NodeKind::ro && (acc != kORdonly || (flags & kOTrunc))) return -kEROFS;
        if (node.kind == NodeKind::proc && (acc != kORdonly || (flags & kOTrunc))) return -kEACCES;
        if (node.kind == NodeKind::tmp && !dir && (flags & kOTrunc)) {
            df.fs(node).truncate(node.tmp, 0);
            node.tmp->mtime_ns = time::realtime_ns();
        }
    } else if (r == -kENOENT && creat) {
        NodeRef dir;
        const char* last;
        size_t last_len;
        if (int p = resolve_parent_at(dirfd, path, len, &dir, &last, &last_len); p != 0) return p;
        if (path[len - 1] == '/') return -kEISDIR;
        if (dir.kind != NodeKind::tmp) return -kEROFS;
        fs::TmpNode* n;
        uint32_t perm = mode & 07777 & ~df.umask;
        if (int c =
                df.fs(dir).create(dir.tmp, last, last_len, fs::kIfreg | perm, time::realtime_ns(), &n);
            c != 0) {
            return c;
        }
        node = NodeRef{NodeKind::tmp, dir.ro, n};
    } else {
        return r;
    }
    OpenFile* f = df.pool.alloc();
    if (f == nullptr) return -kENFILE;
    f->kind = FileKind::node;
    f->node = node;
    f->pos = 0;
    f->flags = flags & (kOAccmode | kOAppend | kONonblock | kODirectory | kOLargefile | kOPath);
    int fd = df.fds.install(f, 0, flags & kOCloexec);
    if (fd < 0) {
        df.pool.free(f);
        return fd;
    }
    if (node.kind == NodeKind::tmp) df.fs(node).opened(node.tmp);
    return fd;
}

int64_t do_dup(int64_t oldfd, int64_t newfd, bool cloexec) {
    fs::DomainFiles& df = files();
    OpenFile* f = df.fds.get(oldfd);
    if (f == nullptr) return -kEBADF;
    if (newfd < 0 || newfd >= fs::kMaxFds) return -kEBADF;
    if (OpenFile* old = df.fds.install_at(f, int(newfd), cloexec)) release_file(df, old);
    return newfd;
}

int64_t do_truncate(NodeRef n, int64_t length) {
    fs::DomainFiles& df = files();
    if (length < 0) return -kEINVAL;
    if (df.tree().is_dir(n)) return -kEISDIR;
    if (n.kind == NodeKind::dev) return -kEINVAL;  // not a regular file, as Linux answers
    if (n.kind != NodeKind::tmp) return -kEROFS;
    if (int r = df.fs(n).truncate(n.tmp, uint64_t(length)); r != 0) return r;
    n.tmp->mtime_ns = time::realtime_ns();
    return 0;
}

}  // namespace

fs::DomainFiles& files() {
    return process::current().files;
}

fs::FdTable& fds() {
    return files().fds;
}

int copy_path(uint64_t user, char* buf, size_t* len) {
    // Page by page: a string that ends just before an unmapped page is valid.
    size_t done = 0;
    while (done < fs::kPathMax) {
        uint64_t addr = user + done;
        if (addr < user) return -kEFAULT;
        uint64_t chunk = mm::kPageSize - (addr & (mm::kPageSize - 1));
        if (chunk > fs::kPathMax - done) chunk = fs::kPathMax - done;
        if (mm::copy_from_user(buf + done, addr, chunk) != 0) return -kEFAULT;
        for (size_t i = done; i < done + chunk; i++) {
            if (buf[i] == '\0') {
                *len = i;
                return 0;
            }
        }
        done += chunk;
    }
    return -kENAMETOOLONG;
}

int start_dir(int64_t dirfd, NodeRef* out) {
    fs::DomainFiles& df = files();
    if (dirfd == kAtFdcwd) {
        *out = df.cwd;
        return 0;
    }
    OpenFile* f = df.fds.get(dirfd);
    if (f == nullptr) return -kEBADF;
    if (f->kind != FileKind::node || !df.tree().is_dir(f->node)) return -kENOTDIR;
    *out = f->node;
    return 0;
}

int lookup_at(int64_t dirfd, const char* path, size_t len, bool follow, NodeRef* out) {
    // "" fails before dirfd is looked at, as in Linux (AT_EMPTY_PATH is the callers' business).
    if (len == 0) return -kENOENT;
    NodeRef start = files().cwd;
    // An absolute path ignores dirfd entirely, as in Linux.
    if (len == 0 || path[0] != '/') {
        if (int r = start_dir(dirfd, &start); r != 0) return r;
    }
    fs::Tree t = files().tree();
    return fs::resolve(t, start, path, len, follow, out);
}

int lookup_user_path(uint64_t user_path, NodeRef* out) {
    char path[fs::kPathMax];
    size_t len;
    if (int r = copy_path(user_path, path, &len); r != 0) return r;
    return lookup_at(kAtFdcwd, path, len, true, out);
}

int resolve_parent_at(int64_t dirfd, const char* path, size_t len, NodeRef* dir, const char** last,
                      size_t* last_len) {
    NodeRef start = files().cwd;
    if (len == 0 || path[0] != '/') {
        if (int r = start_dir(dirfd, &start); r != 0) return r;
    }
    fs::Tree t = files().tree();
    return fs::resolve_parent(t, start, path, len, dir, last, last_len);
}

int64_t sys_open(const Args& a) {
    return do_open(kAtFdcwd, a.a0, uint32_t(a.a1), uint32_t(a.a2));
}

int64_t sys_openat(const Args& a) {
    return do_open(int64_t(int32_t(a.a0)), a.a1, uint32_t(a.a2), uint32_t(a.a3));
}

int64_t sys_creat(const Args& a) {
    return do_open(kAtFdcwd, a.a0, kOCreat | kOWronly | kOTrunc, uint32_t(a.a1));
}

int64_t sys_close(const Args& a) {
    fs::DomainFiles& df = files();
    bool bad;
    locks_on_close(df.fds.get(int64_t(int32_t(a.a0))));
    OpenFile* last = df.fds.close(int64_t(int32_t(a.a0)), &bad);
    if (bad) return -kEBADF;
    if (last != nullptr) release_file(df, last);
    return 0;
}

int64_t sys_dup(const Args& a) {
    fs::DomainFiles& df = files();
    OpenFile* f = df.fds.get(int64_t(int32_t(a.a0)));
    if (f == nullptr) return -kEBADF;
    return df.fds.install(f, 0, false);
}

int64_t sys_dup2(const Args& a) {
    int64_t oldfd = int32_t(a.a0), newfd = int32_t(a.a1);
    if (oldfd == newfd) return files().fds.get(oldfd) != nullptr ? newfd : -kEBADF;
    return do_dup(oldfd, newfd, false);
}

int64_t sys_dup3(const Args& a) {
    int64_t oldfd = int32_t(a.a0), newfd = int32_t(a.a1);
    if ((a.a2 & ~uint64_t(kOCloexec)) != 0 || oldfd == newfd) return -kEINVAL;
    return do_dup(oldfd, newfd, a.a2 & kOCloexec);
}

int64_t sys_fcntl(const Args& a) {
    fs::DomainFiles& df = files();
    int64_t fd = int32_t(a.a0);
    OpenFile* f = df.fds.get(fd);
    if (f == nullptr) return -kEBADF;
    switch (a.a1) {
        case kFDupfd:
        case kFDupfdCloexec: {
            int64_t min = int64_t(int32_t(a.a2));
            if (min < 0 || min >= fs::kMaxFds) return -kEINVAL;
            return df.fds.install(f, int(min), a.a1 == kFDupfdCloexec);
        }
        case kFGetfd:
            return df.fds.cloexec(int(fd)) ? kFdCloexec : 0;
        case kFSetfd:
            df.fds.set_cloexec(int(fd), a.a2 & kFdCloexec);
            return 0;
        case kFGetfl:
            return f->flags & ~fs::kFlagEfdSemaphore;
        case kFSetfl:
            // Linux lets only O_APPEND, O_NONBLOCK (and async/direct flags) change.
            f->flags =
                (f->flags & ~(kOAppend | kONonblock)) | (uint32_t(a.a2) & (kOAppend | kONonblock));
            return 0;
        case kFGetpipeSz:
        case kFSetpipeSz:
            return pipe_size(f, a.a1 == kFSetpipeSz, a.a2);
        default:
            return is_lock_cmd(a.a1) ? fcntl_lock(f, a.a1, a.a2) : -kEINVAL;
    }
}

int64_t sys_fsync(const Args& a) {
    // Nothing is ever written back anywhere: /tmp is memory.
    return files().fds.get(int64_t(int32_t(a.a0))) != nullptr ? 0 : -kEBADF;
}

int64_t sys_ftruncate(const Args& a) {
    OpenFile* f = files().fds.get(int64_t(int32_t(a.a0)));
    if (f == nullptr) return -kEBADF;
    if (f->kind != FileKind::node || (f->flags & kOAccmode) == kORdonly) return -kEINVAL;
    return do_truncate(f->node, int64_t(a.a1));
}

int64_t sys_truncate(const Args& a) {
    NodeRef n;
    if (int r = lookup_user_path(a.a0, &n); r != 0) return r;
    return do_truncate(n, int64_t(a.a1));
}

}  // namespace uk::sys
