// A task: one thread of a process, the unit the scheduler runs (docs/guest.md "Domains").  It
// holds what is per thread on Linux: its id, kernel stack and saved kernel rsp, FPU area, FS base
// (TLS), the registers of its latest kernel entry, clear_child_tid, its scheduling state and what
// it waits for.  Its process (process/process.hpp) holds the address space and files it shares
// with its sibling threads; its domain (domain/domain.hpp) is the isolation and accounting unit
// that owns both.  Tasks live in one static table; a task's slot in it is the scheduler's key.
#pragma once

#include <stdint.h>

#include "arch/x86/trap_frame.hpp"
#include "signal/state.hpp"
#include "task/limits.hpp"

namespace uk::domain {
struct Domain;
}
namespace uk::process {
struct Process;
}

namespace uk::task {

enum class State : uint8_t {
    unused,    // a free slot
    runnable,  // in the run queue
    running,   // its code (or its syscall) is on the CPU
    sleeping,  // nanosleep, a futex or a wait_on: in the sleep queue and/or waiting for a wake
    dead,      // ended: out of every queue; its stack is freed once the CPU has left it
};

// What a futex waiter waits on (sched/futex.hpp): its address space, the user address and
// whether the op was FUTEX_PRIVATE_FLAG's (Linux keeps the two apart on the same word).
struct FutexKey {
    const void* space;
    uint64_t addr;
    bool shared;
    bool operator==(const FutexKey& o) const {
        return space == o.space && addr == o.addr && shared == o.shared;
    }
};

struct Task {
    uint32_t slot;  // index in the task table: the scheduler's key
    uint32_t tid;   // in its domain's pid space (the init process's first task is 1)
    State state;
    domain::Domain* dom;
    process::Process* proc;

    // The app's registers saved at its latest entry into the kernel (syscall or trap), so a kill
    // from deep inside the kernel (out of memory) can still report where the app was.
    x86::TrapFrame* frame;
    uint64_t fs_base;
    uint64_t clear_child_tid;  // set_tid_address / CLONE_CHILD_CLEARTID: zeroed and woken at exit
    int exit_status;

    // The latest page fault that found its page present (a stale TLB entry, flushed and retried
    // once): per task, so two threads or domains running the same code cannot trip each other.
    uint64_t last_fault_rip;
    uint64_t last_fault_addr;

    // ---- switching (sched/) ----
    uint64_t kstack_top;  // TSS.RSP0 and the SYSCALL stack while it runs (task/kernel_stack.hpp)
    uint64_t saved_rsp;   // its kernel rsp while switched out (uk_switch_context)
    void* fpu;            // x87/SSE/AVX save area (a frame charged to its domain)

    // ---- waiting (sched/) ----
    bool futex_waiting;  // in a futex wait on futex_key, for the bits of futex_bitset
    bool timed_out;      // the latest wait ended by its deadline
    FutexKey futex_key;
    uint32_t futex_bitset;
    uint64_t wait_seq;         // arrival order among waiters: futex wakes are FIFO
    const void* wait_channel;  // sched::wait_on: what it sleeps on, nullptr when not waiting

    // ---- signals (unikernel/signal/ adds its per-thread state here: mask, pending) ----
    signal::ThreadSignals sig;  // mask, thread-directed pending set, sigaltstack (signal/state.hpp)
};

// The task on the CPU (or whose syscall is being served).
Task& current();
void set_current(Task& t);
// Task in table slot `slot`, or nullptr when out of range.
Task* at(uint32_t slot);
// The live task `tid` of domain d, or nullptr (ESRCH): tids never resolve across domains.
Task* find(const domain::Domain& d, uint32_t tid);

// A free slot made into task `tid` of p (state dead, no stack yet), or nullptr when the table
// is full, or when only the slots kept for domains still to start are left
// (process::slots_held_back; a domain's first task may take those).  A process's first task has its pid as tid; later ones domain::next_id().
Task* alloc(process::Process& p, uint32_t tid);
// Gives t's kernel stack and FPU area back to its domain and frees its slot.  Never on the task
// whose stack the CPU is on (sched/ does that from its own context).
void release(Task& t);

// Allocates t's kernel stack and FPU area on its domain's account; false when out of memory or
// over the domain's limit (nothing left allocated).
bool alloc_stack_and_fpu(Task& t);

// Makes t's address space, protection-key rights, FS base, kernel stack and FPU state live on
// this CPU.
void activate(Task& t);

// Prepares t's kernel stack so that its first switch-in "returns" to user mode with `frame`
// (uk_trap_return), interrupts on.
void prepare_first_entry(Task& t, const x86::TrapFrame& frame);

}  // namespace uk::task
