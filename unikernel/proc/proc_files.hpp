// What /proc's files hold, generated when read (as Linux's seq files are): the kernel's side of
// /proc (proc_tree.hpp has the names).
#pragma once

#include <stdint.h>

#include "domain/initial_stack.hpp"
#include "fs/tree.hpp"

namespace uk::proc {

// read(2) of /proc file n at byte `off`: bytes copied to the app, 0 at the end, or -errno.  The
// text is generated afresh for each read, so a reader that reads in pieces sees a consistent
// file only when nothing changed in between (Linux's seq files keep the same promise).
int64_t read(fs::NodeRef n, uint64_t off, uint64_t user_buf, uint64_t count);

// The loader built the initial stack of the process in table slot `slot` from `s` ending at `top`: where its argv
// strings lie, for /proc/PID/cmdline (Linux reads them from the process's memory too).
void note_args(uint32_t slot, uint64_t top, const domain::StackImage& s);

}  // namespace uk::proc
