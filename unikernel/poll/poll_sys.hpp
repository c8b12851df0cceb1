// poll, ppoll, select, pselect6: wait until one of a set of descriptors is ready or the timeout
// passes (poll/poll_sys.cpp, poll/select_sys.cpp).
#pragma once

#include <stdint.h>

#include "sys/syscall.hpp"

namespace uk::poll {

int64_t sys_poll(const sys::Args&);
int64_t sys_ppoll(const sys::Args&);
int64_t sys_select(const sys::Args&);
int64_t sys_pselect6(const sys::Args&);

}  // namespace uk::poll
