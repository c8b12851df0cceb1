// A domain's file descriptors.  As in Linux, a descriptor points at an open file description
// (position, status flags, what is open) that dup() shares; close-on-exec is per descriptor.
// Pure bookkeeping, unit-tested on the host; what an open file does is in sys/sys_file*.cpp.
#pragma once

#include <stdint.h>

#include "fs/tree.hpp"

namespace uk::fs {

constexpr int kMaxFds = 64;

enum class FileKind : uint8_t { none, console_in, console_out, console_err, node };

struct OpenFile {
    FileKind kind = FileKind::none;
    uint8_t refs = 0;    // descriptors pointing here
    uint32_t flags = 0;  // O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECTORY ... as opened
    NodeRef node;        // kind == node
    uint64_t pos = 0;    // byte offset, or a directory's getdents64 cookie
};

class FdTable {
  public:
    // Empty table, then 0/1/2 on the console.
    void init_stdio();

    // The description behind fd, or nullptr (-EBADF).
    OpenFile* get(int64_t fd);
    // A new description, not yet on any descriptor (nullptr when all are in use).
    OpenFile* new_file();
    // The lowest free descriptor >= min pointing at f: the descriptor, or -EMFILE.  A description
    // left without descriptors (a failed install of a new_file) is the caller's to drop.
    int install(OpenFile* f, int min, bool cloexec);
    // Puts f at exactly `fd`, closing what was there.  Returns what the old description was when
    // this was its last descriptor, so the caller can release it (nullptr otherwise).
    OpenFile* install_at(OpenFile* f, int fd, bool cloexec);
    // Drops fd: nullptr when fd was not open (set *bad), else the description when this was its
    // last descriptor (to release), else nullptr.
    OpenFile* close(int64_t fd, bool* bad);
    // Marks an unused description free again.
    void drop(OpenFile* f) { *f = OpenFile{}; }

    bool cloexec(int fd) const { return (cloexec_ >> fd) & 1; }
    void set_cloexec(int fd, bool on);
    bool in_use(int fd) const { return fd_[fd] >= 0; }

  private:
    OpenFile files_[kMaxFds];
    int8_t fd_[kMaxFds];  // index into files_, or -1
    uint64_t cloexec_ = 0;
};

}  // namespace uk::fs
