// eventfd and timerfd: descriptors that count (eventfd_sys.cpp, timerfd_sys.cpp; the timer's
// arithmetic is eventfd/timer.hpp).
#pragma once

#include <stdint.h>

#include "fs/fd_table.hpp"
#include "sys/syscall.hpp"

namespace uk::eventfd {

int64_t read(fs::OpenFile* f, uint64_t user_buf, uint64_t count);
int64_t write(fs::OpenFile* f, uint64_t user_buf, uint64_t count);
int64_t timer_read(fs::OpenFile* f, uint64_t user_buf, uint64_t count);

int64_t sys_eventfd(const sys::Args&);
int64_t sys_eventfd2(const sys::Args&);
int64_t sys_timerfd_create(const sys::Args&);
int64_t sys_timerfd_settime(const sys::Args&);
int64_t sys_timerfd_gettime(const sys::Args&);

}  // namespace uk::eventfd
