#include "fs/fd_table.hpp"

#include "sys/errno.hpp"

namespace uk::fs {

void FdTable::init_stdio() {
    for (int i = 0; i < kMaxFds; i++) files_[i] = OpenFile{}, fd_[i] = -1;
    cloexec_ = 0;
    const FileKind std[3] = {FileKind::console_in, FileKind::console_out, FileKind::console_err};
    for (int i = 0; i < 3; i++) {
        files_[i].kind = std[i];
        files_[i].refs = 1;
        files_[i].flags = i == 0 ? 0 : 1;  // O_RDONLY, O_WRONLY
        fd_[i] = int8_t(i);
    }
}

OpenFile* FdTable::get(int64_t fd) {
    if (fd < 0 || fd >= kMaxFds || fd_[fd] < 0) return nullptr;
    return &files_[fd_[fd]];
}

OpenFile* FdTable::new_file() {
    // A description is free when nothing points at it and it is not being set up: kind none.
    for (OpenFile& f : files_) {
        if (f.kind == FileKind::none && f.refs == 0) return &f;
    }
    return nullptr;
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
        if (fd_[fd] >= 0) continue;
        fd_[fd] = int8_t(f - files_);
        f->refs++;
        set_cloexec(fd, cloexec);
        return fd;
    }
    return -kEMFILE;
}

OpenFile* FdTable::install_at(OpenFile* f, int fd, bool cloexec) {
    OpenFile* old = nullptr;
    if (fd_[fd] >= 0) {
        old = &files_[fd_[fd]];
        if (--old->refs != 0) old = nullptr;
    }
    fd_[fd] = int8_t(f - files_);
    f->refs++;
    set_cloexec(fd, cloexec);
    return old;
}

OpenFile* FdTable::close(int64_t fd, bool* bad) {
    *bad = false;
    if (fd < 0 || fd >= kMaxFds || fd_[fd] < 0) {
        *bad = true;
        return nullptr;
    }
    OpenFile* f = &files_[fd_[fd]];
    fd_[fd] = -1;
    set_cloexec(int(fd), false);
    return --f->refs == 0 ? f : nullptr;
}

}  // namespace uk::fs
