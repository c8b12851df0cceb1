#include "fs/fd_table.hpp"

#include "sys/errno.hpp"

namespace uk::fs {

void FilePool::init() {
    shared_ = nullptr;
    for (OpenFile& f : files_) f = OpenFile{};
}

OpenFile* FilePool::alloc() {
    if (shared_ != nullptr) return shared_->alloc();
    for (OpenFile& f : files_) {
        if (f.kind == FileKind::none && f.refs == 0) return &f;
    }
    return nullptr;
}

void FdTable::init() {
    for (OpenFile*& p : fd_) p = nullptr;
    cloexec_ = 0;
}

bool FdTable::init_stdio(FilePool& pool) {
    init();
    const FileKind std[3] = {FileKind::console_in, FileKind::console_out, FileKind::console_err};
    for (int i = 0; i < 3; i++) {
        OpenFile* f = pool.alloc();
        if (f == nullptr) return false;
        f->kind = std[i];
        f->flags = i == 0 ? 0 : 1;  // O_RDONLY, O_WRONLY
        install_at(f, i, false);
    }
    return true;
}

void FdTable::copy_for_fork(const FdTable& parent) {
    for (int fd = 0; fd < kMaxFds; fd++) {
        fd_[fd] = parent.fd_[fd];
        if (fd_[fd] != nullptr) fd_[fd]->refs++;
    }
    cloexec_ = parent.cloexec_;
}

OpenFile* FdTable::get(int64_t fd) const {
    if (fd < 0 || fd >= kMaxFds) return nullptr;
    return fd_[fd];
}

void FdTable::set_cloexec(int fd, bool on) {
    if (on) {
        cloexec_ |= 1ull << fd;
    } else {
        cloexec_ &= ~(1ull << fd);
    }
}

int FdTable::install(OpenFile* f, int min, bool cloexec) {
    for (int fd = min < 0 ? 0 : min; fd < kMaxFds; fd++) {
        if (fd_[fd] != nullptr) continue;
        fd_[fd] = f;
        f->refs++;
        set_cloexec(fd, cloexec);
        return fd;
    }
    return -kEMFILE;
}

OpenFile* FdTable::install_at(OpenFile* f, int fd, bool cloexec) {
    OpenFile* old = fd_[fd];
    // Referenced first, so dup2 of a description onto its own last descriptor never frees it.
    f->refs++;
    fd_[fd] = f;
    if (old != nullptr && --old->refs != 0) old = nullptr;
    set_cloexec(fd, cloexec);
    return old;
}

OpenFile* FdTable::close(int64_t fd, bool* bad) {
    *bad = false;
    if (fd < 0 || fd >= kMaxFds || fd_[fd] == nullptr) {
        *bad = true;
        return nullptr;
    }
    OpenFile* f = fd_[fd];
    fd_[fd] = nullptr;
    set_cloexec(int(fd), false);
    return --f->refs == 0 ? f : nullptr;
}

}  // namespace uk::fs
