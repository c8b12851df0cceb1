// How threads and processes end (docs/guest.md "Domains"): exit ends the calling thread,
// exit_group every thread of its process.  A process ends with its last thread; when it is its
// domain's init, the domain ends with it (every other task of it too), as a container does.
#pragma once

namespace uk::process {

// exit(2): the calling task ends.  Its clear_child_tid word is zeroed and woken (pthread_join).
// The last task of a process ends the process with the leader's status (its own when it is the
// leader or the leader never called exit).  Never returns.
[[noreturn]] void exit_thread(int status);

// exit_group(2): every task of the caller's process ends; the process ends with `status`.
[[noreturn]] void exit_group(int status);

// The caller's process (not its domain's init) is killed by `sig` (a fault, a default action):
// every task of it ends and it becomes a zombie whose wait status says so.
[[noreturn]] void die_by_signal(int sig);

}  // namespace uk::process
