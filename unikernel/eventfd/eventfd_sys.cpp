// eventfd: a 64-bit counter that write adds to and read takes (all of it, or 1 with
// EFD_SEMAPHORE); kept in the description itself (OpenFile::pos), so it costs no page.
#include "eventfd/eventfd_sys.hpp"

#include "mm/user_access.hpp"
#include "poll/wait.hpp"
#include "signal/restart.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"

namespace uk::eventfd {
namespace {

constexpr uint64_t kMax = 0xFFFF'FFFF'FFFF'FFFEull;
constexpr uint32_t kEfdSemaphore = 1;

bool nonblocking(const fs::OpenFile* f) {
    return f->flags & sys::kONonblock;
}

}  // namespace

int64_t read(fs::OpenFile* f, uint64_t user_buf, uint64_t count) {
    if (count < 8) return -kEINVAL;
    fs::DomainFiles& df = sys::files();
    fs::Hold hold(df, f);
    while (f->pos == 0) {
        if (nonblocking(f)) return -kEAGAIN;
        if (poll::block(df, false, 0) == poll::Wait::interrupted) {
            return -signal::kERestartSys;  // -EINTR, or restarted under SA_RESTART
        }
    }
    uint64_t v = (f->flags & fs::kFlagEfdSemaphore) ? 1 : f->pos;
    if (mm::copy_to_user(user_buf, &v, sizeof v) != 0) return -kEFAULT;
    f->pos -= v;
    f->gen++;
    poll::notify(df);
    return 8;
}

int64_t write(fs::OpenFile* f, uint64_t user_buf, uint64_t count) {
    if (count < 8) return -kEINVAL;
    uint64_t v;
    if (mm::copy_from_user(&v, user_buf, sizeof v) != 0) return -kEFAULT;
    if (v == UINT64_MAX) return -kEINVAL;
    fs::DomainFiles& df = sys::files();
    fs::Hold hold(df, f);
    while (v > kMax - f->pos) {
        if (nonblocking(f)) return -kEAGAIN;
        if (poll::block(df, false, 0) == poll::Wait::interrupted) {
            return -signal::kERestartSys;  // -EINTR, or restarted under SA_RESTART
        }
    }
    f->pos += v;
    f->gen++;
    poll::notify(df);
    return 8;
}

int64_t sys_eventfd2(const sys::Args& a) {
    uint32_t flags = uint32_t(a.a1);
    if ((flags & ~(kEfdSemaphore | sys::kOCloexec | sys::kONonblock)) != 0) return -kEINVAL;
    fs::DomainFiles& df = sys::files();
    fs::OpenFile* f = df.pool.alloc();
    if (f == nullptr) return -kENFILE;
    f->kind = fs::FileKind::eventfd;
    f->flags = sys::kORdwr | (flags & sys::kONonblock) |
               ((flags & kEfdSemaphore) ? fs::kFlagEfdSemaphore : 0);
    f->pos = uint32_t(a.a0);  // the initial value is an unsigned int
    int fd = sys::fds().install(f, 0, flags & sys::kOCloexec);
    if (fd < 0) df.pool.free(f);
    return fd;
}

int64_t sys_eventfd(const sys::Args& a) {
    return sys_eventfd2(sys::Args{a.a0, 0, 0, 0, 0, 0});
}

}  // namespace uk::eventfd
