// The file syscalls (sys_file*.cpp) and the misc Linux ABI (sys_misc*.cpp): their numbers, their
// handlers, and the helpers they share.  Kept apart from syscall.hpp so the groups grow
// independently; dispatch.cpp lists them all.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fs/domain_files.hpp"
#include "sys/syscall.hpp"

namespace uk::sys {

enum FileNr : uint64_t {
    kOpen = 2,
    kClose = 3,
    kStat = 4,
    kFstat = 5,
    kLstat = 6,
    kPoll = 7,
    kLseek = 8,
    kPread64 = 17,
    kPwrite64 = 18,
    kReadv = 19,
    kAccess = 21,
    kDup = 32,
    kDup2 = 33,
    kSendfile = 40,
    kUname = 63,
    kFcntl = 72,
    kFsync = 74,
    kFdatasync = 75,
    kTruncate = 76,
    kFtruncate = 77,
    kGetcwd = 79,
    kChdir = 80,
    kFchdir = 81,
    kMkdir = 83,
    kRmdir = 84,
    kCreat = 85,
    kUnlink = 87,
    kReadlink = 89,
    kUmask = 95,
    kGetrlimit = 97,
    kSysinfo = 99,
    kGetpgrp = 111,
    kSetsid = 112,
    kGetgroups = 115,
    kGetpgid = 121,
    kGetsid = 124,
    kSigaltstack = 131,
    kPrctl = 157,
    kSetrlimit = 160,
    kGetdents64 = 217,
    kOpenat = 257,
    kMkdirat = 258,
    kNewfstatat = 262,
    kUnlinkat = 263,
    kReadlinkat = 267,
    kFaccessat = 269,
    kUtimensat = 280,
    kPpoll = 271,
    kDup3 = 292,
    kPrlimit64 = 302,
    kGetrandom = 318,
    kRseq = 334,
    kFaccessat2 = 439,
};

// sys_io.cpp / sys_file.cpp: descriptors and data.
int64_t sys_open(const Args&);
int64_t sys_openat(const Args&);
int64_t sys_creat(const Args&);
int64_t sys_close(const Args&);
int64_t sys_pread64(const Args&);
int64_t sys_pwrite64(const Args&);
int64_t sys_readv(const Args&);
int64_t sys_lseek(const Args&);
int64_t sys_sendfile(const Args&);
int64_t sys_dup(const Args&);
int64_t sys_dup2(const Args&);
int64_t sys_dup3(const Args&);
int64_t sys_fcntl(const Args&);
int64_t sys_fsync(const Args&);
int64_t sys_ftruncate(const Args&);
int64_t sys_truncate(const Args&);
// sys_file_meta.cpp: names and metadata.
int64_t sys_stat(const Args&);
int64_t sys_fstat(const Args&);
int64_t sys_lstat(const Args&);
int64_t sys_newfstatat(const Args&);
int64_t sys_utimensat(const Args&);
int64_t sys_getdents64(const Args&);
int64_t sys_readlink(const Args&);
int64_t sys_readlinkat(const Args&);
int64_t sys_getcwd(const Args&);
int64_t sys_chdir(const Args&);
int64_t sys_fchdir(const Args&);
int64_t sys_access(const Args&);
int64_t sys_faccessat(const Args&);
int64_t sys_faccessat2(const Args&);
int64_t sys_umask(const Args&);
// sys_file_tmp.cpp: changes to /tmp.
int64_t sys_mkdir(const Args&);
int64_t sys_mkdirat(const Args&);
int64_t sys_unlink(const Args&);
int64_t sys_unlinkat(const Args&);
int64_t sys_rmdir(const Args&);
// sys_misc.cpp, sys_misc_random.cpp.
int64_t sys_uname(const Args&);
int64_t sys_getrandom(const Args&);
// Kernel use of getrandom's source (execve's AT_RANDOM bytes).
void random_bytes(uint8_t* buf, size_t n);
int64_t sys_getrlimit(const Args&);
int64_t sys_setrlimit(const Args&);
int64_t sys_prlimit64(const Args&);
int64_t sys_sysinfo(const Args&);
int64_t sys_prctl(const Args&);
int64_t sys_rseq(const Args&);
int64_t sys_getpgrp(const Args&);
int64_t sys_getpgid(const Args&);
int64_t sys_setsid(const Args&);
int64_t sys_getgroups(const Args&);

// ---- shared by the file syscalls ----

constexpr int64_t kAtFdcwd = -100;
constexpr uint64_t kAtSymlinkNofollow = 0x100;
constexpr uint64_t kAtRemovedir = 0x200;
constexpr uint64_t kAtEmptyPath = 0x1000;

constexpr uint32_t kOAccmode = 03, kORdonly = 0, kOWronly = 01, kORdwr = 02;
constexpr uint32_t kOCreat = 0100, kOExcl = 0200, kONoctty = 0400, kOTrunc = 01000,
                   kOAppend = 02000, kONonblock = 04000, kODirectory = 0200000,
                   kONofollow = 0400000, kOCloexec = 02000000, kOPath = 010000000,
                   kOLargefile = 0100000;

// Linux caps one read/write at MAX_RW_COUNT (INT_MAX rounded down to a page).
constexpr uint64_t kMaxRwCount = 0x7FFF'F000;

fs::DomainFiles& files();
// The calling process's descriptor table.
fs::FdTable& fds();

// For calls that create or remove: the directory holding the last component, and that name.
int resolve_parent_at(int64_t dirfd, const char* path, size_t len, fs::NodeRef* dir,
                      const char** last, size_t* last_len);

// A NUL-terminated path from the app into buf (fs::kPathMax bytes): 0 with *len, -EFAULT,
// -ENAMETOOLONG.
int copy_path(uint64_t user, char* buf, size_t* len);

// Resolves an app path relative to dirfd (AT_FDCWD: the cwd).  0 or -errno.
int lookup_at(int64_t dirfd, const char* path, size_t len, bool follow, fs::NodeRef* out);
// copy_path, then lookup_at from the cwd following symlinks: the calls that take one plain path
// (truncate, chdir).  0 or -errno.
int lookup_user_path(uint64_t user_path, fs::NodeRef* out);
// The directory to start relative paths from: the cwd or dirfd's directory.  0, -EBADF, -ENOTDIR.
int start_dir(int64_t dirfd, fs::NodeRef* out);

// Reads/writes a file's bytes at `off` to/from app memory: bytes moved (short only at EOF or on
// a bad buffer after some bytes), or -errno.
int64_t node_read(fs::NodeRef n, uint64_t off, uint64_t user_buf, uint64_t count);
int64_t node_write(fs::NodeRef n, uint64_t off, uint64_t user_buf, uint64_t count);

}  // namespace uk::sys
