// Descriptors and open file descriptions.  As in Linux, a descriptor points at an open file
// description (position, status flags, what is open) that dup() and fork() share; close-on-exec
// is per descriptor.  Descriptions live in a FilePool, one per domain, so the descriptor tables
// of all the domain's processes can point at the same ones (a pipe end held by a parent and its
// child); each description counts the descriptors that point at it, in every table.
// Pure bookkeeping, unit-tested on the host; what an open file does is in sys/sys_file*.cpp,
// pipe/, poll/, epoll/, eventfd/ and net/.
#pragma once

#include <stdint.h>

#include "fs/tree.hpp"

namespace uk::fs {

constexpr int kMaxFds = 64;         // per descriptor table (RLIMIT_NOFILE)
constexpr int kMaxOpenFiles = 128;  // descriptions per domain, shared by its processes

enum class FileKind : uint8_t {
    none,
    console_in,
    console_out,
    console_err,
    node,
    pipe_read,   // obj: pipe::Pipe
    pipe_write,  // obj: pipe::Pipe
    epoll,       // obj: epoll::Epoll
    eventfd,     // pos: the counter, gen: wake-ups
    timerfd,     // obj: eventfd::Timer
    socket_inet, // obj: net::InetSocket (net/inet/): a host socket, by handle (ER_HC_NET)
    socket_unix, // obj: net::UnixSocket (net/unix/): kept in the guest, never reaches the host
};

// Status-flag bits kept in OpenFile::flags beyond Linux's O_* ones (never shown by F_GETFL).
constexpr uint32_t kFlagEfdSemaphore = 1u << 31;

struct OpenFile {
    FileKind kind = FileKind::none;
    uint16_t refs = 0;    // descriptors pointing here, in every table of the domain
    uint32_t flags = 0;   // O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECTORY ... as opened
    NodeRef node;         // kind == node
    uint64_t pos = 0;     // byte offset, a directory's getdents64 cookie, an eventfd's counter
    void* obj = nullptr;  // the kernel object behind a pipe end, an epoll or a timerfd
    uint32_t gen = 0;     // eventfd: bumped at every change (epoll's edge trigger)
};

// A domain's open file descriptions.  A description is free when nothing points at it and it is
// not being set up (kind none).
class FilePool {
  public:
    void init();
    // A new description, not yet on any descriptor: nullptr when all are in use (-ENFILE).  The
    // caller sets its kind at once.
    OpenFile* alloc();
    // Marks an unused description free again.
    void free(OpenFile* f) { *f = OpenFile{}; }
    OpenFile* at(int i) { return shared_ != nullptr ? shared_->at(i) : &files_[i]; }
    // fork: a forked process's pool is its domain init's (process/fork.cpp), so a description
    // any process opens lives as long as the domain, whoever ends first.
    void share(FilePool* domain_pool) { shared_ = domain_pool; }

  private:
    OpenFile files_[kMaxOpenFiles];
    FilePool* shared_ = nullptr;
};

// One process's descriptors.
class FdTable {
  public:
    // Empty table.
    void init();
    // Empty table, then 0/1/2 on three new console descriptions from pool.  False when the pool
    // has no room.
    bool init_stdio(FilePool& pool);
    // fork: the same descriptions at the same descriptors (each gains a reference), and the
    // same close-on-exec bits.  `*this` must be empty (init()).
    void copy_for_fork(const FdTable& parent);

    // The description behind fd, or nullptr (-EBADF).
    OpenFile* get(int64_t fd) const;
    // The lowest free descriptor >= min pointing at f: the descriptor, or -EMFILE.  A description
    // left without descriptors (a failed install of a new one) is the caller's to free.
    int install(OpenFile* f, int min, bool cloexec);
    // Puts f at exactly `fd`, closing what was there.  Returns what the old description was when
    // this was its last descriptor, so the caller can release it (nullptr otherwise).
    OpenFile* install_at(OpenFile* f, int fd, bool cloexec);
    // Drops fd: nullptr when fd was not open (set *bad), else the description when this was its
    // last descriptor (to release), else nullptr.
    OpenFile* close(int64_t fd, bool* bad);

    bool cloexec(int fd) const { return (cloexec_ >> fd) & 1; }
    void set_cloexec(int fd, bool on);
    bool in_use(int fd) const { return fd_[fd] != nullptr; }
    uint64_t cloexec_mask() const { return cloexec_; }

  private:
    OpenFile* fd_[kMaxFds];
    uint64_t cloexec_ = 0;
};

}  // namespace uk::fs
