// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2 over the interest
// list of epoll/epoll_set.hpp.
#pragma once

#include <stdint.h>

#include "sys/syscall.hpp"

namespace uk::epoll {

int64_t sys_epoll_create(const sys::Args&);
int64_t sys_epoll_create1(const sys::Args&);
int64_t sys_epoll_ctl(const sys::Args&);
int64_t sys_epoll_wait(const sys::Args&);
int64_t sys_epoll_pwait(const sys::Args&);
int64_t sys_epoll_pwait2(const sys::Args&);

}  // namespace uk::epoll
