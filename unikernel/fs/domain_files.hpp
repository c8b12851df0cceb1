// A domain's file state: its fd table (0/1/2 are the console streams), its read-only tree (the
// er-fs image the launcher packed, libos-abi/er_fs.h), its private writable /tmp and the tmpfs
// mounts its image names (/run, ...), and its cwd.
// The domain code owns one DomainFiles per domain and calls init() when the domain is created
// and release() when it dies; everything else about files lives in unikernel/fs/ (helper B's
// area: the real implementation is fs/domain_files.cpp, no stub needed).
#pragma once

#include <stdint.h>

#include "fs/erfs_image.hpp"
#include "fs/fd_table.hpp"
#include "fs/record_locks.hpp"
#include "fs/tmpfs.hpp"
#include "fs/tree.hpp"
#include "proc/proc_tree.hpp"

namespace uk::fs {

constexpr uint32_t kExePathMax = 256;

// Held by value in domain::Domain.  Its members belong to fs/ and grow with it.
struct DomainFiles {
    uint32_t domain_id = 0;
    bool ready = false;
    ErfsImage ro;
    Tmpfs tmp[kMaxMounts];          // [0] is /tmp; [1..mounts) over the image's mount points
    uint32_t mount_at[kMaxMounts];  // the ro entry each covers (unused for [0])
    uint32_t mounts = 0;
    FilePool pool;  // the open file descriptions of all the domain's processes
    // The domain's fcntl record locks (domain::Domain::locks, shared by its processes; fork
    // copies the pointer), bound at the first lock call (sys_locks.cpp); nullptr before.
    RecordLocks* locks = nullptr;
    FdTable fds;
    NodeRef cwd;
    uint32_t umask = 022;
    uint32_t exe_len = 0;
    char exe_path[kExePathMax];

    // fork: a forked process's files use its domain init's /tmp and mounts (process/fork.cpp).
    DomainFiles* domain_wide = nullptr;

    Tree tree() {
        DomainFiles& o = domain_wide != nullptr ? *domain_wide : *this;
        return Tree{&o.ro, o.tmp, o.mounts, o.mount_at, proc::view()};
    }
    // The tmpfs a tmp node (kind tmp) belongs to.
    Tmpfs& fs(NodeRef n) { return (domain_wide != nullptr ? domain_wide : this)->tmp[n.ro]; }
};

// Sets up `f` for a new domain: stdio fds, the read-only tree from `image`/`size` (size 0: an
// empty root), an empty /tmp and an empty tmpfs per mount point, cwd "/".  `exe_path` is what
// readlink("/proc/self/exe") returns. False when the image is malformed (the domain is then refused
// with `*why`).
bool init(DomainFiles& f, uint32_t domain_id, const void* image, uint64_t size,
          const char* exe_path, const char** why);

// Drops every open file and frees the memory of the domain's /tmp and mounts.
void release(DomainFiles& f);

// Ends an open file description whose last descriptor went away (a /tmp file unlinked while
// open is freed now) and marks it free.
void release_file(DomainFiles& f, OpenFile* file);

// Process `pid` ends: its POSIX record locks go.
void release_locks(DomainFiles& f, uint32_t pid);

// execve: closes t's close-on-exec descriptors.
void close_on_exec(DomainFiles& f, FdTable& t);
// A process ends: closes every descriptor of t (each description goes when its last one does).
void release_fds(DomainFiles& f, FdTable& t);

// Keeps a description alive while a syscall sleeps on it (another thread or process may close
// its last descriptor meanwhile), as Linux's fget/fput do: its release waits for the hold.
class Hold {
  public:
    Hold(DomainFiles& df, OpenFile* f) : df_(df), f_(f) { f_->refs++; }
    ~Hold() {
        if (--f_->refs == 0) release_file(df_, f_);
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

  private:
    DomainFiles& df_;
    OpenFile* f_;
};

// Pipes, epolls, eventfds and timerfds: what release_file does for them (poll/objects.cpp; the
// host unit tests stub it).
void release_object(DomainFiles& f, OpenFile* file);

}  // namespace uk::fs
