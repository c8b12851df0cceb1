#include "poll/readiness.hpp"

#include "epoll/epoll_set.hpp"
#include "eventfd/timer.hpp"
#include "net/socket_sys.hpp"
#include "pipe/pipe.hpp"
#include "time/clock.hpp"

namespace uk::poll {
namespace {

using epoll::kErr;
using epoll::kHup;
using epoll::kIn;
using epoll::kOut;
using epoll::kRdnorm;
using epoll::kWrnorm;
using fs::FileKind;

constexpr uint32_t kReadable = kIn | kRdnorm, kWritable = kOut | kWrnorm;
constexpr uint64_t kEventfdMax = 0xFFFF'FFFF'FFFF'FFFEull;

uint32_t epoll_item_ready(void* ctx, fs::OpenFile* f, uint32_t* gen) {
    return ready_mask(*static_cast<fs::DomainFiles*>(ctx), f, gen);
}

}  // namespace

uint32_t ready_mask(fs::DomainFiles& df, fs::OpenFile* f, uint32_t* gen) {
    *gen = 0;
    switch (f->kind) {
        case FileKind::console_in:
            return kReadable;  // always at end of file
        case FileKind::console_out:
        case FileKind::console_err:
            return kWritable;
        case FileKind::node:
            return kReadable | kWritable;  // regular files and directories never block
        case FileKind::pipe_read: {
            auto* p = static_cast<pipe::Pipe*>(f->obj);
            *gen = p->gen;
            return (p->count > 0 ? kReadable : 0) | (p->writers == 0 ? kHup : 0);
        }
        case FileKind::pipe_write: {
            auto* p = static_cast<pipe::Pipe*>(f->obj);
            *gen = p->gen;
            if (p->readers == 0) return kWritable | kErr;  // a write fails at once (EPIPE)
            return p->space() >= pipe::kPipeBuf ? kWritable : 0;
        }
        case FileKind::eventfd:
            *gen = f->gen;
            return (f->pos > 0 ? kReadable : 0) | (f->pos < kEventfdMax ? kWritable : 0);
        case FileKind::timerfd: {
            auto* t = static_cast<eventfd::Timer*>(f->obj);
            t->advance(time::monotonic_ns());
            *gen = t->gen;
            return t->expired > 0 ? kReadable : 0;
        }
        case FileKind::epoll: {
            auto* e = static_cast<epoll::Epoll*>(f->obj);
            return e->any_ready(epoll_item_ready, &df) ? kReadable : 0;
        }
        case FileKind::socket_inet:
        case FileKind::socket_unix:
            return net::socket_ready_mask(df, f, gen);
        default:
            return 0;
    }
}

uint64_t ready_deadline(const fs::OpenFile* f) {
    if (f->kind != FileKind::timerfd) return 0;
    return static_cast<const eventfd::Timer*>(f->obj)->next_ns;
}

}  // namespace uk::poll
