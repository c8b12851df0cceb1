// A domain: the isolation and accounting unit (docs/guest.md "Domains").  It holds its name, its
// frame account and memory limit, its isolation (MPK key or page tables), its output streams,
// its er-fs tree, its pid space and its init process; its processes (process/process.hpp) hold
// address spaces and files, and their tasks (task/task.hpp) are what sched/ runs.  Up to
// ER_MAX_DOMAINS run side by side.
#pragma once

#include <stdint.h>

#include "console/console.hpp"
#include "libos-abi/enclave_abi.h"
#include "mm/frame_account.hpp"
#include "mm/mpk_spaces.hpp"
#include "process/process.hpp"
#include "task/task.hpp"

namespace uk::domain {

enum class State : uint8_t {
    unused,  // no such domain in the table
    live,    // created: it has tasks (some maybe ending)
    dead,    // ended; everything it held is back with the allocator, the host was told
};

struct Domain {
    uint32_t id;
    State state;
    char name[ER_DOMAIN_NAME_MAX + 1];
    mm::FrameAccount account;  // frames held (pages, page tables, task stacks) against mem_limit
    console::Stream* out;
    console::Stream* err;
    // ABI 5 amendment: a hot-added domain's private copy of its er-fs image (private_tree.hpp),
    // read-only in its kernel window; nullptr (size 0) for none or a boot domain's.
    const void* tree;
    uint64_t tree_size;
    fs::RecordLocks locks;  // fcntl record locks between its processes (sys/sys_locks.cpp)

    // ---- isolation (docs/mpk.md) ----
    uint32_t isolation;  // ER_ISO_PAGETABLE or ER_ISO_MPK: what it got
    mm::MpkSlot mpk;     // its space and key under MPK
    // Its PKRU while it runs is pkru_only(as.pkey()): its own key only (key 0 on page tables).
    bool started;
    uint64_t start_ns;  // first entry to the app, for run_ns

    // ---- process tree ----
    process::Process* init;  // pid 1: the domain ends when it does
    uint32_t next_id;        // the pid space: pids and tids alike, from 1
    uint32_t live_tasks;     // tasks whose kernel stacks are not yet freed
    bool ending;             // exit_req holds why it ends; its tasks are being torn down
    er_hc_exit exit_req;
};

// The domain whose code is running (or whose syscall is being served).
Domain& current();
// A fresh pid/tid in d's pid space.
uint32_t next_id(Domain& d);
// Domain `id`, or nullptr when out of range.
Domain* get(uint32_t id);

// Sets up domain `id` from its descriptor (account, init process with its address space and
// files, first task with its kernel stack and FPU area, streams), reserves its memory limit and
// loads its app; sched::add(d) then queues its first task.  nullptr on success, else why it
// cannot run, with everything it took given back.  `entropy` is AT_RANDOM's 16 bytes.
// `staged_tree` (hot add, ABI 5 amendment): the domain's er-fs image still in the staging area,
// copied once into the domain's own frames (private_tree.hpp) before anything reads it; `desc`'s
// fs_gpa/fs_size are then ignored.
struct StagedTree {
    const void* bytes;
    uint64_t size;
};
const char* create(uint32_t id, const er_domain_desc& desc, const uint8_t entropy[16],
                   const StagedTree* staged_tree = nullptr);
// Tells the host that domain `id` will not start and why (ER_EXIT_REFUSED): create() failed and
// gave back what it took; the other domains run.  A refusal, not a panic: under SEV the host is
// not trusted to have refused the app first, and one bad app must not end its neighbours.
void refuse(uint32_t id, const char* why);

// Every entry into the kernel from an app (syscall, exception, interrupt) calls this first: PKRU
// is forced back to the running domain's rights, whatever the app did to it, so the kernel's
// accesses to user memory are never made with rights the domain should not have.
void on_kernel_entry();

// The domain's init process ended with `status` (exit_group, or its last thread's exit): the
// domain ends, every task of it goes.  Never returns to the caller, a task of d.
[[noreturn]] void exit(Domain& d, int status);

// sched/ has freed a dead task's stack: when it was d's last, d's processes, tree, isolation and
// limit are given back and the host hears of its end (exit_req).
void on_task_released(Domain& d);

// What ended a domain abnormally, reported through ER_HC_DOMAIN_EXIT reason ER_EXIT_SIGNAL.
struct Kill {
    uint32_t signal;
    uint32_t vector;  // x86 vector or 0xFFFFFFFF
    uint64_t fault_addr;
    uint64_t rip;
    uint64_t error_code;
    const char* message;
};
// A fault or fatal signal of the process on the CPU: a forked process dies alone (a zombie for its
// parent, process/exit.hpp); d's init takes the whole domain with it.
[[noreturn]] void kill(Domain& d, const Kill& why);
// The whole domain, whichever of its processes is on the CPU (the host's kill).
[[noreturn]] void kill_domain(Domain& d, const Kill& why);
// ABI 5: ends d, which is not the domain on the CPU (runnable or sleeping), as kill() would, and
// returns: the host asked for it (ER_POLL_KILL) while another domain ran or the CPU idled.
void kill_other(Domain& d, const Kill& why);
// SIGKILL with "memory limit exceeded" (the domain's own limit) or "out of memory" (RAM).
[[noreturn]] void kill_out_of_memory(Domain& d);

}  // namespace uk::domain
