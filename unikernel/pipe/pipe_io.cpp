#include "pipe/pipe_io.hpp"

#include "fs/tmp_pages.hpp"
#include "mm/user_access.hpp"
#include "pipe/pipe.hpp"
#include "poll/wait.hpp"
#include "signal/restart.hpp"
#include "signal/signals.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"

namespace uk::pipe {
namespace {

constexpr uint32_t kODirect = 040000;

bool nonblocking(const fs::OpenFile* f) {
    return f->flags & sys::kONonblock;
}

// No reader is left: the writer gets EPIPE and, from the signals work (issue 18 item 4), SIGPIPE.
int64_t broken_pipe() {
    signal::raise_sigpipe(task::current());
    return -kEPIPE;
}

}  // namespace

int64_t read(fs::OpenFile* f, uint64_t user_buf, uint64_t count) {
    fs::DomainFiles& df = sys::files();
    Pipe* p = static_cast<Pipe*>(f->obj);
    if (count == 0) return 0;
    fs::Hold hold(df, f);
    for (;;) {
        if (p->count > 0) break;
        if (p->writers == 0) return 0;
        if (nonblocking(f)) return -kEAGAIN;
        // Linux's pipe_read: -EINTR for a handler without SA_RESTART, else the read restarts.
        if (poll::block(df, false, 0) == poll::Wait::interrupted) return -signal::kERestartSys;
    }
    uint64_t done = 0;
    while (done < count) {
        uint32_t len;
        const uint8_t* src = p->read_span(&len);
        if (len == 0) break;
        if (len > count - done) len = uint32_t(count - done);
        if (mm::copy_to_user(user_buf + done, src, len) != 0) {
            if (done == 0) return -kEFAULT;
            break;
        }
        p->consume(len);
        done += len;
    }
    poll::notify(df);
    return int64_t(done);
}

int64_t write(fs::OpenFile* f, uint64_t user_buf, uint64_t count) {
    fs::DomainFiles& df = sys::files();
    Pipe* p = static_cast<Pipe*>(f->obj);
    if (count > sys::kMaxRwCount) count = sys::kMaxRwCount;
    fs::Hold hold(df, f);
    uint64_t done = 0;
    int64_t err = 0;
    while (done < count) {
        if (p->readers == 0) {
            err = broken_pipe();
            break;
        }
        // Up to PIPE_BUF bytes go in together or wait for room: no other writer's bytes between.
        uint64_t left = count - done;
        bool atomic = count <= kPipeBuf;
        if (p->space() == 0 || (atomic && p->space() < left)) {
            if (nonblocking(f)) {
                err = -kEAGAIN;
                break;
            }
            // What is written so far is visible to the reader before this waits for room.
            if (done > 0) poll::notify(df);
            if (poll::block(df, false, 0) == poll::Wait::interrupted) {
                err = -signal::kERestartSys;  // -EINTR or a restart (signal/restart.hpp)
                break;
            }
            continue;
        }
        uint32_t len;
        uint8_t* dst = p->write_span(&len);
        if (dst == nullptr) {
            err = -kENOMEM;  // the domain's memory limit: no page for the ring
            break;
        }
        if (len > left) len = uint32_t(left);
        if (mm::copy_from_user(dst, user_buf + done, len) != 0) {
            err = -kEFAULT;
            break;
        }
        p->commit(len);
        done += len;
    }
    if (done > 0) poll::notify(df);
    return done > 0 ? int64_t(done) : err;
}

int64_t sys_pipe2(const sys::Args& a) {
    uint32_t flags = uint32_t(a.a1);
    if ((flags & ~(sys::kOCloexec | sys::kONonblock | kODirect)) != 0) return -kEINVAL;
    if (flags & kODirect) return -kEINVAL;  // packet mode is not supported
    fs::DomainFiles& df = sys::files();
    fs::FdTable& t = sys::fds();
    fs::OpenFile* r = df.pool.alloc();
    if (r == nullptr) return -kENFILE;
    r->kind = fs::FileKind::pipe_read;  // claimed, so the next alloc() finds another
    fs::OpenFile* w = df.pool.alloc();
    if (w == nullptr) {
        df.pool.free(r);
        return -kENFILE;
    }
    w->kind = fs::FileKind::pipe_write;
    // Numbered by where its header lives: unique while it exists, as a pipefs inode number is.
    Pipe* p = create(fs::tmp_page_source(df.domain_id), 0);
    if (p == nullptr) {
        df.pool.free(r);
        df.pool.free(w);
        return -kENOMEM;
    }
    p->ino = (reinterpret_cast<uint64_t>(p) >> 12) & 0xFFFFFFF;
    r->obj = w->obj = p;
    r->flags = sys::kORdonly | (flags & sys::kONonblock);
    w->flags = sys::kOWronly | (flags & sys::kONonblock);
    bool cloexec = flags & sys::kOCloexec;
    int fds[2] = {t.install(r, 0, cloexec), -1};
    if (fds[0] >= 0) fds[1] = t.install(w, 0, cloexec);
    if (fds[1] < 0 || mm::copy_to_user(a.a0, fds, sizeof fds) != 0) {
        int64_t err = fds[1] < 0 ? -kEMFILE : -kEFAULT;
        bool bad;
        for (int i = 0; i < 2; i++) {
            if (fds[i] >= 0) t.close(fds[i], &bad);
        }
        // Both ends' descriptions go, and the pipe with the second.
        r->refs = w->refs = 0;
        fs::release_file(df, r);
        fs::release_file(df, w);
        return err;
    }
    return 0;
}

int64_t sys_pipe(const sys::Args& a) {
    return sys_pipe2(sys::Args{a.a0, 0, 0, 0, 0, 0});
}

}  // namespace uk::pipe
