#include "fs/domain_files.hpp"

#include "fs/tmp_pages.hpp"
#include "lib/string.hpp"

namespace uk::fs {

bool init(DomainFiles& f, uint32_t domain_id, const void* image, uint64_t size,
          const char* exe_path, const char** why) {
    f.ready = false;
    f.domain_id = domain_id;
    f.umask = 022;
    if (size == 0) {
        f.ro.make_empty();
    } else if (ImageStatus s = f.ro.validate(image, size); s != ImageStatus::ok) {
        *why = describe(s);
        return false;
    }
    // /tmp, with the image's mode and size for it when the image makes "tmp" a mount point.
    PageSource src = tmp_page_source(domain_id);
    uint32_t tmp_mode = 01777;
    uint64_t tmp_limit = 0;
    if (int64_t t = f.ro.lookup(0, "tmp", 3); t >= 0) {
        er_fs_entry e = f.ro.entry(uint32_t(t));
        if ((e.mode & ER_FS_TMPFS) != 0) tmp_mode = e.mode & 07777, tmp_limit = e.size;
    }
    f.mounts = 0;
    bool ok = f.tmp[0].init(src, tmp_mode, tmp_limit);
    if (ok) f.mount_at[0] = 0, f.mounts = 1;
    for (uint32_t k = 0; ok && k < f.ro.mount_count(); k++) {
        uint32_t i = f.ro.mount(k);
        er_fs_entry e = f.ro.entry(i);
        if (e.parent == 0 && e.name_len == 3 && i == uint32_t(f.ro.lookup(0, "tmp", 3))) continue;
        ok = f.tmp[f.mounts].init(src, e.mode & 07777, e.size);
        if (ok) f.mount_at[f.mounts++] = i;
    }
    if (!ok) {
        for (uint32_t k = 0; k < f.mounts; k++) f.tmp[k].release();
        f.mounts = 0;
        *why = "out of memory for the domain's /tmp and tmpfs mounts";
        return false;
    }
    f.domain_wide = nullptr;
    f.pool.init();
    f.locks = nullptr;
    f.fds.init_stdio(f.pool);  // 3 of kMaxOpenFiles: cannot fail
    f.cwd = f.tree().root();
    // Bounded: the caller's string comes from the host's argument blob.
    size_t n = 0;
    while (exe_path != nullptr && n < kExePathMax && exe_path[n] != '\0') n++;
    memcpy(f.exe_path, exe_path, n);
    f.exe_len = uint32_t(n);
    f.ready = true;
    return true;
}

void release_file(DomainFiles& f, OpenFile* file) {
    switch (file->kind) {
        case FileKind::node:
            // OFD locks go with their description's last descriptor (fcntl(2)).
            if (f.locks != nullptr)
                f.locks->release(lock_file_id(file->node),
                                 LockOwner{reinterpret_cast<uintptr_t>(file), true});
            if (file->node.kind == NodeKind::tmp) f.fs(file->node).closed(file->node.tmp);
            break;
        case FileKind::pipe_read:
        case FileKind::pipe_write:
        case FileKind::epoll:
        case FileKind::eventfd:
        case FileKind::timerfd:
        case FileKind::socket_inet:
        case FileKind::socket_unix:
            release_object(f, file);
            break;
        default:
            break;
    }
    f.pool.free(file);
}

void release_locks(DomainFiles& f, uint32_t pid) {
    if (f.locks != nullptr) f.locks->release(0, LockOwner{pid, false});
}

void close_on_exec(DomainFiles& f, FdTable& t) {
    for (int fd = 0; fd < kMaxFds; fd++) {
        if (!t.cloexec(fd)) continue;
        bool bad;
        if (OpenFile* last = t.close(fd, &bad)) release_file(f, last);
    }
}

void release_fds(DomainFiles& f, FdTable& t) {
    for (int fd = 0; fd < kMaxFds; fd++) {
        bool bad;
        if (OpenFile* last = t.close(fd, &bad)) release_file(f, last);
    }
}

void release(DomainFiles& f) {
    if (!f.ready) return;
    release_fds(f, f.fds);
    // Whatever a process table still held (every process of a dying domain dies with it): pipe
    // pages and /tmp nodes go back before the domain's account does.
    for (int i = 0; i < kMaxOpenFiles; i++) {
        OpenFile* file = f.pool.at(i);
        if (file->kind != FileKind::none) file->refs = 0, release_file(f, file);
    }
    if (f.cwd.kind == NodeKind::tmp) f.fs(f.cwd).closed(f.cwd.tmp);
    f.cwd = NodeRef{};
    for (uint32_t k = 0; k < f.mounts; k++) f.tmp[k].release();
    f.mounts = 0;
    f.ready = false;
}

}  // namespace uk::fs
