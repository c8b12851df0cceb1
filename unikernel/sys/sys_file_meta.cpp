// Names and metadata: stat, fstat, lstat, newfstatat, getdents64, readlink(at) (with
// /proc/self/exe), getcwd, chdir, fchdir, access, faccessat(2), umask.
#include "dev/dev_tree.hpp"
#include "fs/path_walk.hpp"
#include "proc/proc_tree.hpp"
#include "lib/string.hpp"
#include "mm/user_access.hpp"
#include "pipe/pipe.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "time/clock.hpp"

namespace uk::sys {
namespace {

using fs::FileKind;
using fs::NodeKind;
using fs::NodeRef;
using fs::OpenFile;

struct LinuxStat {  // struct stat of x86-64 Linux
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;
    uint64_t st_atime_sec, st_atime_nsec;
    uint64_t st_mtime_sec, st_mtime_nsec;
    uint64_t st_ctime_sec, st_ctime_nsec;
    int64_t unused[3];
};
static_assert(sizeof(LinuxStat) == 144);

constexpr uint32_t kIfifo = 0010000;
constexpr uint8_t kDtChr = 2, kDtDir = 4, kDtReg = 8, kDtLnk = 10;
constexpr uint64_t kROk = 4, kWOk = 2, kXOk = 1;
constexpr char kProcSelfExe[] = "/proc/self/exe";

int64_t put_stat(uint64_t user, const fs::NodeInfo& i) {
    LinuxStat s{};
    s.st_dev = i.dev;
    s.st_ino = i.ino;
    s.st_nlink = i.nlink;
    s.st_mode = i.mode;
    s.st_uid = i.uid;
    s.st_gid = i.gid;
    s.st_rdev = i.rdev;
    s.st_size = int64_t(i.size);
    s.st_blksize = 4096;
    // 512-byte units of whole 4 KiB blocks, as ext4 reports them (a short symlink takes none),
    // so `ls -s` and `du` agree with the host's view of the same tree.
    uint32_t type = i.mode & fs::kIfmt;
    s.st_blocks = type == fs::kIflnk ? 0 : int64_t((i.size + 4095) / 4096 * 8);
    uint64_t sec = i.mtime_ns / 1000000000, nsec = i.mtime_ns % 1000000000;
    s.st_atime_sec = s.st_mtime_sec = s.st_ctime_sec = sec;
    s.st_atime_nsec = s.st_mtime_nsec = s.st_ctime_nsec = nsec;
    return mm::copy_to_user(user, &s, sizeof s);
}

int64_t stat_file(OpenFile* f, uint64_t user) {
    if (f->kind == FileKind::node) return put_stat(user, files().tree().info(f->node));
    // The console streams look like the pipes they are on the host side; pipes are pipes; an
    // eventfd, epoll or timerfd is an anonymous inode (mode 0600, no file type), as on Linux.
    fs::NodeInfo i{};
    i.dev = 0xC;
    i.ino = uint64_t(f->kind);
    i.mode = kIfifo | 0600;
    i.nlink = 1;
    if (f->kind == FileKind::pipe_read || f->kind == FileKind::pipe_write) {
        i.ino = static_cast<const pipe::Pipe*>(f->obj)->ino;
    } else if (f->kind == FileKind::eventfd || f->kind == FileKind::epoll ||
               f->kind == FileKind::timerfd) {
        i.dev = 0xE;
        i.mode = 0600;
    } else if (f->kind == FileKind::socket_inet || f->kind == FileKind::socket_unix) {
        // sockfs: S_IFSOCK, 0777, numbered by where the socket's state lives.
        i.dev = 0x8;
        i.mode = 0140777;
        i.ino = (reinterpret_cast<uint64_t>(f->obj) >> 12) & 0xFFFFFFF;
    }
    return put_stat(user, i);
}

int64_t stat_path(int64_t dirfd, uint64_t user_path, uint64_t buf, uint64_t flags) {
    if ((flags & ~(kAtSymlinkNofollow | kAtEmptyPath | 0x800 /* AT_NO_AUTOMOUNT */)) != 0) {
        return -kEINVAL;
    }
    char path[fs::kPathMax];
    size_t len;
    if (int r = copy_path(user_path, path, &len); r != 0) return r;
    if (len == 0 && (flags & kAtEmptyPath)) {
        if (dirfd == kAtFdcwd) return put_stat(buf, files().tree().info(files().cwd));
        OpenFile* f = files().fds.get(dirfd);
        if (f == nullptr) return -kEBADF;
        return stat_file(f, buf);
    }
    NodeRef n;
    if (int r = lookup_at(dirfd, path, len, !(flags & kAtSymlinkNofollow), &n); r != 0) return r;
    return put_stat(buf, files().tree().info(n));
}

uint8_t dirent_type(uint32_t mode) {
    switch (mode & fs::kIfmt) {
        case fs::kIfdir:
            return kDtDir;
        case fs::kIflnk:
            return kDtLnk;
        case dev::kIfchr:
            return kDtChr;
        default:
            return kDtReg;
    }
}

// The directory entry at cookie `pos`: false at the end.  0 ".", 1 "..", then the children; the
// root of the read-only tree adds "tmp" last when the image has none of its own.
bool dir_entry(const fs::Tree& t, NodeRef dir, uint64_t pos, const char** name, size_t* len,
               NodeRef* node) {
    if (pos == 0) {
        *name = ".", *len = 1, *node = dir;
        return true;
    }
    if (pos == 1) {
        *name = "..", *len = 2, *node = t.parent(dir);
        return true;
    }
    uint64_t k = pos - 2;
    if (dir.kind == NodeKind::proc) return proc::dir_entry(*t.proc, dir, k, name, len, node);
    if (dir.kind == NodeKind::dev) return dev::entry(k, name, len, node);
    if (dir.kind == NodeKind::ro) {
        er_fs_entry e = t.ro->entry(dir.ro);
        if (k < e.child_count) {
            uint32_t i = uint32_t(e.first_child + k);
            *name = t.name(NodeRef{NodeKind::ro, i, nullptr}, len);
            // /tmp and each mount point show their tmpfs, over the image's directory.
            *node = t.over(dir.ro, i);
            return true;
        }
        if (dir.ro == 0 && k == e.child_count && t.ro->lookup(0, "tmp", 3) < 0) {
            *name = "tmp", *len = 3;
            return t.lookup(dir, "tmp", 3, node) == 0;
        }
        // And "proc" after it, when the image has none of its own.
        uint64_t proc_at = e.child_count + (t.ro->lookup(0, "tmp", 3) < 0 ? 1 : 0);
        bool add_proc = dir.ro == 0 && t.proc != nullptr && t.ro->lookup(0, "proc", 4) < 0;
        if (add_proc && k == proc_at) {
            *name = "proc", *len = 4;
            return t.lookup(dir, "proc", 4, node) == 0;
        }
        // And "dev" after those, when the image has none; an image's /dev lists the devices it
        // lacks after its own entries.
        uint64_t after = proc_at + (add_proc ? 1 : 0);
        if (dir.ro == 0 && k == after && t.ro->lookup(0, "dev", 3) < 0) {
            *name = "dev", *len = 3;
            return t.lookup(dir, "dev", 3, node) == 0;
        }
        if (dir.ro != 0 && t.is_dev_dir(dir)) {
            for (uint64_t d = 0, missing = 0; dev::entry(d, name, len, node); d++) {
                if (t.ro->lookup(dir.ro, *name, *len) >= 0) continue;  // listed as the image's
                if (missing++ == k - e.child_count) return true;
            }
        }
        return false;
    }
    fs::TmpNode* c = dir.tmp->first_child;
    for (uint64_t i = 0; c != nullptr && i < k; i++) c = c->next;
    if (c == nullptr) return false;
    *node = NodeRef{NodeKind::tmp, dir.ro, c};
    *name = c->name, *len = c->name_len;
    return true;
}

int64_t do_readlink(int64_t dirfd, uint64_t user_path, uint64_t buf, uint64_t size) {
    if (int64_t(size) <= 0) return -kEINVAL;
    char path[fs::kPathMax];
    size_t len;
    if (int r = copy_path(user_path, path, &len); r != 0) return r;
    fs::DomainFiles& df = files();
    const char* target;
    size_t tlen;
    if (len == sizeof kProcSelfExe - 1 && memcmp(path, kProcSelfExe, len) == 0) {
        // Answered here, not by proc/: argv[0] as the launcher gave it (docs/compat.md "Findings").
        target = df.exe_path, tlen = df.exe_len;
    } else {
        NodeRef n;
        if (int r = lookup_at(dirfd, path, len, false, &n); r != 0) return r;
        fs::Tree t = df.tree();
        if (!t.is_symlink(n)) return -kEINVAL;
        target = t.link_target(n, &tlen);
    }
    if (tlen > size) tlen = size;
    if (mm::copy_to_user(buf, target, tlen) != 0) return -kEFAULT;
    return int64_t(tlen);
}

int64_t do_access(int64_t dirfd, uint64_t user_path, uint64_t mode, uint64_t flags) {
    if ((mode & ~(kROk | kWOk | kXOk)) != 0) return -kEINVAL;
    if ((flags & ~(kAtSymlinkNofollow | kAtEmptyPath | 0x200 /* AT_EACCESS */)) != 0) {
        return -kEINVAL;
    }
    char path[fs::kPathMax];
    size_t len;
    if (int r = copy_path(user_path, path, &len); r != 0) return r;
    NodeRef n;
    if (len == 0 && (flags & kAtEmptyPath)) {
        if (int r = start_dir(dirfd, &n); r != 0) return r;
    } else if (int r = lookup_at(dirfd, path, len, !(flags & kAtSymlinkNofollow), &n); r != 0) {
        return r;
    }
    fs::Tree t = files().tree();
    if ((mode & kWOk) && n.kind == NodeKind::ro) return -kEROFS;
    // Everything runs as root: read and write always pass, execute needs some x bit on a file.
    if ((mode & kXOk) && !t.is_dir(n) && (t.mode(n) & 0111) == 0) return -kEACCES;
    return 0;
}

int64_t do_chdir(NodeRef n) {
    fs::DomainFiles& df = files();
    if (!df.tree().is_dir(n)) return -kENOTDIR;
    // The cwd holds its /tmp directory open, so removing that directory cannot free it.
    if (n.kind == NodeKind::tmp) df.fs(n).opened(n.tmp);
    if (df.cwd.kind == NodeKind::tmp) df.fs(df.cwd).closed(df.cwd.tmp);
    df.cwd = n;
    return 0;
}

}  // namespace

int64_t sys_stat(const Args& a) {
    return stat_path(kAtFdcwd, a.a0, a.a1, 0);
}

int64_t sys_lstat(const Args& a) {
    return stat_path(kAtFdcwd, a.a0, a.a1, kAtSymlinkNofollow);
}

int64_t sys_fstat(const Args& a) {
    OpenFile* f = files().fds.get(int64_t(int32_t(a.a0)));
    if (f == nullptr) return -kEBADF;
    return stat_file(f, a.a1);
}

int64_t sys_newfstatat(const Args& a) {
    return stat_path(int64_t(int32_t(a.a0)), a.a1, a.a2, a.a3);
}

int64_t sys_getdents64(const Args& a) {
    fs::DomainFiles& df = files();
    OpenFile* f = df.fds.get(int64_t(int32_t(a.a0)));
    if (f == nullptr) return -kEBADF;
    fs::Tree t = df.tree();
    if (f->kind != FileKind::node || !t.is_dir(f->node)) return -kENOTDIR;
    uint64_t buf = a.a1, count = a.a2 < kMaxRwCount ? a.a2 : kMaxRwCount;
    uint64_t used = 0;
    // One record: d_ino, d_off, d_reclen, d_type, name, NUL, padded to 8.
    alignas(8) uint8_t rec[8 + 8 + 2 + 1 + 256 + 7];
    while (true) {
        const char* name;
        size_t len;
        NodeRef node;
        if (!dir_entry(t, f->node, f->pos, &name, &len, &node)) break;
        uint64_t reclen = (19 + len + 1 + 7) & ~uint64_t(7);
        if (used + reclen > count) {
            if (used == 0) return -kEINVAL;  // not even one entry fits
            break;
        }
        uint64_t ino = t.info(node).ino, next = f->pos + 1;
        uint16_t rl = uint16_t(reclen);
        memset(rec, 0, reclen);
        memcpy(rec, &ino, 8);
        memcpy(rec + 8, &next, 8);
        memcpy(rec + 16, &rl, 2);
        rec[18] = dirent_type(t.mode(node));
        memcpy(rec + 19, name, len);
        if (mm::copy_to_user(buf + used, rec, reclen) != 0)
            return used > 0 ? int64_t(used) : -kEFAULT;
        used += reclen;
        f->pos = next;
    }
    return int64_t(used);
}

int64_t sys_readlink(const Args& a) {
    return do_readlink(kAtFdcwd, a.a0, a.a1, a.a2);
}

int64_t sys_readlinkat(const Args& a) {
    return do_readlink(int64_t(int32_t(a.a0)), a.a1, a.a2, a.a3);
}

int64_t sys_getcwd(const Args& a) {
    char path[fs::kPathMax];
    fs::Tree t = files().tree();
    int64_t n = fs::path_of(t, files().cwd, path, sizeof path);
    if (n < 0) return n;
    if (uint64_t(n) > a.a1) return -kERANGE;
    if (mm::copy_to_user(a.a0, path, uint64_t(n)) != 0) return -kEFAULT;
    return n;
}

int64_t sys_chdir(const Args& a) {
    NodeRef n;
    if (int r = lookup_user_path(a.a0, &n); r != 0) return r;
    return do_chdir(n);
}

int64_t sys_fchdir(const Args& a) {
    OpenFile* f = files().fds.get(int64_t(int32_t(a.a0)));
    if (f == nullptr) return -kEBADF;
    if (f->kind != FileKind::node) return -kENOTDIR;
    return do_chdir(f->node);
}

int64_t sys_access(const Args& a) {
    return do_access(kAtFdcwd, a.a0, a.a1, 0);
}

int64_t sys_faccessat(const Args& a) {
    return do_access(int64_t(int32_t(a.a0)), a.a1, a.a2, 0);
}

int64_t sys_faccessat2(const Args& a) {
    return do_access(int64_t(int32_t(a.a0)), a.a1, a.a2, a.a3);
}

int64_t sys_umask(const Args& a) {
    uint32_t old = files().umask;
    files().umask = uint32_t(a.a0) & 0777;
    return old;
}

// utimensat(dirfd, path, times[2], flags); path NULL means dirfd itself (futimens).  Only the
// modification time is kept (nodes have no atime); the read-only tree refuses with EROFS.
int64_t sys_utimensat(const Args& a) {
    constexpr int64_t kUtimeNow = (1l << 30) - 1;
    constexpr int64_t kUtimeOmit = (1l << 30) - 2;
    const int64_t dirfd = int64_t(int32_t(a.a0));
    const uint64_t flags = a.a3;
    if ((flags & ~(kAtSymlinkNofollow | kAtEmptyPath)) != 0) return -kEINVAL;

    struct {
        int64_t sec;
        int64_t nsec;
    } times[2] = {{0, kUtimeNow}, {0, kUtimeNow}};
    if (a.a2 != 0 && mm::copy_from_user(times, a.a2, sizeof times) != 0) return -kEFAULT;
    for (const auto& t : times) {
        if (t.nsec != kUtimeNow && t.nsec != kUtimeOmit && (t.nsec < 0 || t.nsec > 999999999))
            return -kEINVAL;
    }

    NodeRef n;
    if (a.a1 == 0) {  // futimens(fd, times)
        OpenFile* f = files().fds.get(dirfd);
        if (f == nullptr) return -kEBADF;
        if (f->kind != FileKind::node) return -kEPERM;  // the console streams have no times
        n = f->node;
    } else {
        char path[fs::kPathMax];
        size_t len;
        if (int r = copy_path(a.a1, path, &len); r != 0) return r;
        if (int r = lookup_at(dirfd, path, len, !(flags & kAtSymlinkNofollow), &n); r != 0)
            return r;
    }
    if (n.kind != NodeKind::tmp) return -kEROFS;
    const auto& m = times[1];
    if (m.nsec == kUtimeOmit) return 0;
    n.tmp->mtime_ns = m.nsec == kUtimeNow ? time::realtime_ns()
                                          : uint64_t(m.sec) * 1000000000ull + uint64_t(m.nsec);
    return 0;
}

}  // namespace uk::sys
