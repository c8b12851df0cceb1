// release_file for the descriptions whose state is a kernel object: a pipe end, an epoll, an
// eventfd, a timerfd, a socket (fs/domain_files.hpp).
#include "epoll/epoll_set.hpp"
#include "fs/domain_files.hpp"
#include "fs/tmp_pages.hpp"
#include "net/socket_sys.hpp"
#include "pipe/pipe.hpp"
#include "poll/wait.hpp"

namespace uk::fs {

void release_object(DomainFiles& f, OpenFile* file) {
    // Any epoll of the domain watching this description stops doing so.
    for (int i = 0; i < kMaxOpenFiles; i++) {
        OpenFile* e = f.pool.at(i);
        if (e->kind == FileKind::epoll && e != file)
            static_cast<epoll::Epoll*>(e->obj)->forget(file);
    }
    switch (file->kind) {
        case FileKind::pipe_read:
        case FileKind::pipe_write:
            pipe::close_end(static_cast<pipe::Pipe*>(file->obj),
                            file->kind == FileKind::pipe_write);
            break;
        case FileKind::epoll:
        case FileKind::timerfd: {
            // One page each, from the domain's account.
            PageSource src = tmp_page_source(f.domain_id);
            src.free(src.ctx, file->obj);
            break;
        }
        case FileKind::socket_inet:
        case FileKind::socket_unix:
            net::socket_release(f, file);
            break;
        default:
            break;
    }
    file->obj = nullptr;
    // Readers see EOF, writers EPIPE, pollers HUP.
    poll::notify(f);
}

}  // namespace uk::fs
