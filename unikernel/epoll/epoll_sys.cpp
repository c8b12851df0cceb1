#include "epoll/epoll_sys.hpp"

#include "epoll/epoll_set.hpp"
#include "fs/tmp_pages.hpp"
#include "mm/user_access.hpp"
#include "poll/readiness.hpp"
#include "poll/wait.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "time/clock.hpp"

namespace uk::epoll {
namespace {

constexpr uint64_t kCtlAdd = 1, kCtlDel = 2, kCtlMod = 3;
constexpr uint32_t kEpollCloexec = 02000000;
// Events reported per call at most (the rest, level-triggered or not yet reported, come with the
// next call, as when maxevents is small): bounds the kernel buffer.
constexpr uint32_t kBatch = 32;
constexpr uint32_t kKnown = kIn | kPri | kOut | kErr | kHup | kRdnorm | kRdband | kWrnorm |
                            kWrband | kMsg | kRdhup | kExclusive | kWakeup | kOneshot | kEt;

// struct epoll_event is packed on x86-64: 12 bytes.
struct __attribute__((packed)) UserEvent {
    uint32_t events;
    uint64_t data;
};
static_assert(sizeof(UserEvent) == 12);

uint32_t item_ready(void* ctx, fs::OpenFile* f, uint32_t* gen) {
    return poll::ready_mask(*static_cast<fs::DomainFiles*>(ctx), f, gen);
}

int64_t create(uint32_t flags) {
    if ((flags & ~kEpollCloexec) != 0) return -kEINVAL;
    fs::DomainFiles& df = sys::files();
    fs::OpenFile* f = df.pool.alloc();
    if (f == nullptr) return -kENFILE;
    fs::PageSource src = fs::tmp_page_source(df.domain_id);
    Epoll* e = epoll::create(src);
    if (e == nullptr) return -kENOMEM;
    f->kind = fs::FileKind::epoll;
    f->obj = e;
    f->flags = sys::kORdwr;
    int fd = sys::fds().install(f, 0, flags & kEpollCloexec);
    if (fd < 0) {
        destroy(e, src);
        df.pool.free(f);
    }
    return fd;
}

// timeout_ns UINT64_MAX: for ever.
int64_t wait(int64_t epfd, uint64_t events, int64_t maxevents, uint64_t timeout_ns) {
    fs::DomainFiles& df = sys::files();
    fs::OpenFile* f = sys::fds().get(epfd);
    if (f == nullptr) return -kEBADF;
    if (f->kind != fs::FileKind::epoll) return -kEINVAL;
    if (maxevents <= 0 || uint64_t(maxevents) > INT32_MAX / sizeof(UserEvent)) return -kEINVAL;
    fs::Hold hold(df, f);
    Epoll* e = static_cast<Epoll*>(f->obj);
    bool forever = timeout_ns == UINT64_MAX;
    uint64_t deadline = forever ? 0 : poll::deadline_after(timeout_ns);
    uint32_t max = uint64_t(maxevents) < kBatch ? uint32_t(maxevents) : kBatch;
    for (;;) {
        Event got[kBatch];
        uint32_t n = e->collect(got, max, item_ready, &df);
        if (n > 0) {
            for (uint32_t i = 0; i < n; i++) {
                UserEvent u{got[i].events, got[i].data};
                if (mm::copy_to_user(events + i * sizeof u, &u, sizeof u) != 0) return -kEFAULT;
            }
            return n;
        }
        if (timeout_ns == 0 || (!forever && time::monotonic_ns() >= deadline)) return 0;
        // Sleep no later than the first watched timerfd's next expiration.
        uint64_t wake = forever ? 0 : deadline;
        for (const Item& it : e->items) {
            if (it.file != nullptr) poll::earliest(&wake, poll::ready_deadline(it.file));
        }
        if (poll::block(df, wake != 0, wake) == poll::Wait::interrupted) return -kEINTR;
    }
}

uint64_t ms_timeout(uint64_t arg) {
    int64_t ms = int32_t(arg);
    return ms < 0 ? UINT64_MAX : uint64_t(ms) * 1000000;
}

}  // namespace

int64_t sys_epoll_create(const sys::Args& a) {
    if (int32_t(a.a0) <= 0) return -kEINVAL;  // the size hint must be positive
    return create(0);
}

int64_t sys_epoll_create1(const sys::Args& a) {
    return create(uint32_t(a.a0));
}

int64_t sys_epoll_ctl(const sys::Args& a) {
    int64_t epfd = int32_t(a.a0), fd = int32_t(a.a2);
    uint64_t op = a.a1;
    fs::FdTable& t = sys::fds();
    fs::OpenFile* ef = t.get(epfd);
    fs::OpenFile* f = t.get(fd);
    if (ef == nullptr || f == nullptr) return -kEBADF;
    UserEvent ev{};
    if (op == kCtlAdd || op == kCtlMod) {
        if (mm::copy_from_user(&ev, a.a3, sizeof ev) != 0) return -kEFAULT;
    }
    if (ef->kind != fs::FileKind::epoll || ef == f) return -kEINVAL;
    // Regular files and directories are always ready: Linux refuses to watch them.
    if (f->kind == fs::FileKind::node) return -kEPERM;
    // Nested epolls are not supported (Linux allows them with loop checks).
    if (f->kind == fs::FileKind::epoll) return -kEINVAL;
    Epoll* e = static_cast<Epoll*>(ef->obj);
    int r;
    switch (op) {
        case kCtlAdd:
            r = e->add(f, int32_t(fd), ev.events & kKnown, ev.data);
            break;
        case kCtlMod:
            // EPOLLEXCLUSIVE may only come with ADD.
            if (ev.events & kExclusive) return -kEINVAL;
            r = e->mod(f, int32_t(fd), ev.events & kKnown, ev.data);
            break;
        case kCtlDel:
            r = e->del(f, int32_t(fd));
            break;
        default:
            return -kEINVAL;
    }
    // A waiter on this epoll re-scans its (changed) interest list.
    if (r == 0 && op != kCtlDel) poll::notify(sys::files());
    return r;
}

int64_t sys_epoll_wait(const sys::Args& a) {
    return wait(int32_t(a.a0), a.a1, int32_t(a.a2), ms_timeout(a.a3));
}

int64_t sys_epoll_pwait(const sys::Args& a) {
    if (int r = poll::set_wait_mask(a.a4, a.a5); r != 0) return r;
    return wait(int32_t(a.a0), a.a1, int32_t(a.a2), ms_timeout(a.a3));
}

int64_t sys_epoll_pwait2(const sys::Args& a) {
    uint64_t ns = UINT64_MAX;
    if (a.a3 != 0) {
        if (int r = poll::timespec_ns(a.a3, &ns); r != 0) return r;
    }
    if (int r = poll::set_wait_mask(a.a4, a.a5); r != 0) return r;
    return wait(int32_t(a.a0), a.a1, int32_t(a.a2), ns);
}

}  // namespace uk::epoll
