// timerfd: a timer whose expirations a read takes as a count.  Its state (eventfd/timer.hpp) lives
// in a page of the domain's account.  Deadlines are kept on the monotonic clock; an absolute
// CLOCK_REALTIME time is converted when the timer is set (a later change of the realtime clock
// does not move it: the guest's realtime clock never jumps).
#include "eventfd/eventfd_sys.hpp"
#include "eventfd/timer.hpp"
#include "fs/tmp_pages.hpp"
#include "mm/user_access.hpp"
#include "poll/wait.hpp"
#include "signal/restart.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "time/clock.hpp"

namespace uk::eventfd {
namespace {

constexpr uint32_t kClockRealtime = 0, kClockMonotonic = 1, kClockBoottime = 7;
constexpr uint64_t kTfdTimerAbstime = 1, kTfdTimerCancelOnSet = 2;
constexpr uint64_t kNsPerSec = 1000000000;

struct Timespec {
    int64_t sec;
    int64_t nsec;
};
struct Itimerspec {
    Timespec interval;
    Timespec value;
};

Timespec to_timespec(uint64_t ns) {
    return Timespec{int64_t(ns / kNsPerSec), int64_t(ns % kNsPerSec)};
}

bool valid(const Timespec& t) {
    return t.sec >= 0 && t.nsec >= 0 && t.nsec < int64_t(kNsPerSec);
}

uint64_t to_ns(const Timespec& t) {
    constexpr uint64_t kMaxSec = UINT64_MAX / kNsPerSec - 1;
    return uint64_t(t.sec) > kMaxSec ? UINT64_MAX : uint64_t(t.sec) * kNsPerSec + uint64_t(t.nsec);
}

// The timer behind fd: 0 or -EBADF / -EINVAL (not a timerfd).
int timer_of(int64_t fd, fs::OpenFile** out) {
    fs::OpenFile* f = sys::fds().get(fd);
    if (f == nullptr) return -kEBADF;
    if (f->kind != fs::FileKind::timerfd) return -kEINVAL;
    *out = f;
    return 0;
}

Itimerspec current(Timer* t) {
    uint64_t now = time::monotonic_ns();
    t->advance(now);
    return Itimerspec{to_timespec(t->interval_ns), to_timespec(t->remaining(now))};
}

}  // namespace

int64_t timer_read(fs::OpenFile* f, uint64_t user_buf, uint64_t count) {
    if (count < 8) return -kEINVAL;
    fs::DomainFiles& df = sys::files();
    fs::Hold hold(df, f);
    Timer* t = static_cast<Timer*>(f->obj);
    for (;;) {
        t->advance(time::monotonic_ns());
        if (t->expired > 0) break;
        if (f->flags & sys::kONonblock) return -kEAGAIN;
        // Woken by the deadline of the next expiration, or by a settime that changed it.
        if (poll::block(df, t->next_ns != 0, t->next_ns) == poll::Wait::interrupted) {
            return -signal::kERestartSys;  // -EINTR, or restarted under SA_RESTART
        }
    }
    uint64_t n = t->expired;
    if (mm::copy_to_user(user_buf, &n, sizeof n) != 0) return -kEFAULT;
    t->take();
    return 8;
}

int64_t sys_timerfd_create(const sys::Args& a) {
    uint32_t clock = uint32_t(a.a0);
    uint32_t flags = uint32_t(a.a1);
    if (clock != kClockRealtime && clock != kClockMonotonic && clock != kClockBoottime) {
        return -kEINVAL;
    }
    if ((flags & ~(sys::kOCloexec | sys::kONonblock)) != 0) return -kEINVAL;
    fs::DomainFiles& df = sys::files();
    fs::OpenFile* f = df.pool.alloc();
    if (f == nullptr) return -kENFILE;
    fs::PageSource src = fs::tmp_page_source(df.domain_id);
    void* page = src.alloc(src.ctx);
    if (page == nullptr) return -kENOMEM;
    Timer* t = static_cast<Timer*>(page);
    *t = Timer{};
    t->clock = clock;
    f->kind = fs::FileKind::timerfd;
    f->obj = t;
    f->flags = sys::kORdwr | (flags & sys::kONonblock);
    int fd = sys::fds().install(f, 0, flags & sys::kOCloexec);
    if (fd < 0) {
        src.free(src.ctx, page);
        df.pool.free(f);
    }
    return fd;
}

int64_t sys_timerfd_settime(const sys::Args& a) {
    fs::OpenFile* f;
    if (int r = timer_of(int64_t(int32_t(a.a0)), &f); r != 0) return r;
    if ((a.a1 & ~(kTfdTimerAbstime | kTfdTimerCancelOnSet)) != 0) return -kEINVAL;
    Itimerspec in;
    if (mm::copy_from_user(&in, a.a2, sizeof in) != 0) return -kEFAULT;
    if (!valid(in.value) || !valid(in.interval)) return -kEINVAL;
    Timer* t = static_cast<Timer*>(f->obj);
    Itimerspec old = current(t);
    uint64_t value = to_ns(in.value);
    uint64_t first = 0;
    if (value != 0) {
        uint64_t now = time::monotonic_ns();
        if (!(a.a1 & kTfdTimerAbstime)) {
            first = value > UINT64_MAX - now ? UINT64_MAX : now + value;
        } else if (t->clock == kClockRealtime) {
            // The same distance from now on the monotonic clock.
            uint64_t real = time::realtime_ns();
            first = value > real
                        ? (value - real > UINT64_MAX - now ? UINT64_MAX : now + (value - real))
                        : now;
        } else {
            first = value;
        }
        if (first == 0) first = 1;  // 0 means disarmed
    }
    t->arm(first, to_ns(in.interval));
    poll::notify(sys::files());  // a reader or poller sleeping to the old deadline re-checks
    if (a.a3 != 0 && mm::copy_to_user(a.a3, &old, sizeof old) != 0) return -kEFAULT;
    return 0;
}

int64_t sys_timerfd_gettime(const sys::Args& a) {
    fs::OpenFile* f;
    if (int r = timer_of(int64_t(int32_t(a.a0)), &f); r != 0) return r;
    Itimerspec cur = current(static_cast<Timer*>(f->obj));
    if (mm::copy_to_user(a.a1, &cur, sizeof cur) != 0) return -kEFAULT;
    return 0;
}

}  // namespace uk::eventfd
