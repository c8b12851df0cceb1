// A domain: one app, its address space, its output streams and its user-visible process state.
// Today exactly one runs; the type already carries everything per-app so issue #3 (several
// domains) and #4 (a scheduler) add a table and a switch, not a rewrite.
#pragma once

#include <stdint.h>

#include "arch/x86/trap_frame.hpp"
#include "console/console.hpp"
#include "mm/address_space.hpp"

namespace uk::domain {

struct Domain {
    uint32_t id;
    bool alive;
    mm::AddressSpace as;
    console::Stream* out;
    console::Stream* err;

    // Program break: [brk_start, brk) is the heap VMA, page-rounded at its end.
    uint64_t brk_start;
    uint64_t brk;

    // The app's registers saved at its latest entry into the kernel (syscall or trap), so a kill
    // from deep inside the kernel (out of memory) can still report where the app was.
    x86::TrapFrame* frame;

    uint64_t fs_base;
    uint64_t clear_child_tid;  // set_tid_address; kept for a future thread implementation
};

// The domain whose code is running (or whose syscall is being served).
Domain& current();

// Sets up domain `id` (address space, streams).  False on out of memory.
bool create(uint32_t id);

// Makes d's address space and FS base live on this CPU.
void activate(Domain& d);

// The app called exit_group(status).
[[noreturn]] void exit(Domain& d, int status);

// What ended a domain abnormally, reported through ER_HC_EXIT reason ER_EXIT_SIGNAL.
struct Kill {
    uint32_t signal;
    uint32_t vector;  // x86 vector or 0xFFFFFFFF
    uint64_t fault_addr;
    uint64_t rip;
    uint64_t error_code;
    const char* message;
};
[[noreturn]] void kill(Domain& d, const Kill& why);
[[noreturn]] void kill_out_of_memory(Domain& d);

}  // namespace uk::domain
