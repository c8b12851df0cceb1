// Reading and writing a pipe end from the app, blocking as Linux does (pipe/pipe.hpp holds the
// buffer), and the pipe/pipe2 syscalls.
#pragma once

#include <stdint.h>

#include "fs/fd_table.hpp"
#include "sys/syscall.hpp"

namespace uk::pipe {

// read(2) on a read end: bytes, 0 at EOF (no writer left), -EAGAIN (O_NONBLOCK), -EFAULT.
int64_t read(fs::OpenFile* f, uint64_t user_buf, uint64_t count);
// write(2) on a write end: all of it unless O_NONBLOCK (then what fits; up to PIPE_BUF bytes
// go in at once or not at all), -EPIPE once no reader is left, -EAGAIN, -EFAULT.
int64_t write(fs::OpenFile* f, uint64_t user_buf, uint64_t count);

int64_t sys_pipe(const sys::Args&);
int64_t sys_pipe2(const sys::Args&);

}  // namespace uk::pipe
