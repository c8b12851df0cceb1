// A domain: one app, its own address space, kernel stack, FPU state, output streams, files and
// user-visible process state.  Up to ER_MAX_DOMAINS run side by side, scheduled round robin by
// sched/ (docs/guest.md "Domains").
#pragma once

#include <stdint.h>

#include "arch/x86/trap_frame.hpp"
#include "console/console.hpp"
#include "fs/domain_files.hpp"
#include "libos-abi/enclave_abi.h"
#include "mm/address_space.hpp"
#include "mm/frame_account.hpp"
#include "mm/mpk_spaces.hpp"

namespace uk::domain {

enum class State : uint8_t {
    unused,    // no such domain in the table
    runnable,  // in the run queue
    running,   // its code (or its syscall) is on the CPU
    sleeping,  // nanosleep or a futex wait: in the sleep queue and/or waiting for a wake
    dead,      // ended; everything it held is back with the allocator
};

struct Domain {
    uint32_t id;
    State state;
    char name[ER_DOMAIN_NAME_MAX + 1];
    mm::FrameAccount account;  // frames held (pages and page tables) against mem_limit
    mm::AddressSpace as;
    console::Stream* out;
    console::Stream* err;
    fs::DomainFiles files;
    // ABI 5 amendment: a hot-added domain's private copy of its er-fs image (private_tree.hpp),
    // read-only in its kernel window; nullptr (size 0) for none or a boot domain's.
    const void* tree;
    uint64_t tree_size;

    // Program break: [brk_start, brk) is the heap VMA, page-rounded at its end.
    uint64_t brk_start;
    uint64_t brk;

    // The app's registers saved at its latest entry into the kernel (syscall or trap), so a kill
    // from deep inside the kernel (out of memory) can still report where the app was.
    x86::TrapFrame* frame;

    uint64_t fs_base;
    uint64_t clear_child_tid;  // set_tid_address; kept for a future thread implementation

    // The latest page fault that found its page present (a stale TLB entry, flushed and retried
    // once): per domain, so two domains running the same binary cannot trip each other's check.
    uint64_t last_fault_rip;
    uint64_t last_fault_addr;

    // ---- switching (sched/) ----
    uint64_t kstack_top;  // TSS.RSP0 and the SYSCALL stack while this domain runs
    uint64_t saved_rsp;   // its kernel rsp while switched out (uk_switch_context)
    void* fpu;            // x87/SSE/AVX save area (a page-aligned frame)
    uint64_t cr3;         // root | PCID
    bool cr3_loaded;      // with PCID: loaded once, so later loads may keep its TLB entries

    // ---- isolation (docs/mpk.md) ----
    uint32_t isolation;  // ER_ISO_PAGETABLE or ER_ISO_MPK: what it got
    mm::MpkSlot mpk;     // its space and key under MPK
    // Its PKRU while it runs is pkru_only(as.pkey()): its own key only (key 0 on page tables).
    bool started;
    uint64_t start_ns;  // first entry to the app, for run_ns

    // ---- waiting (sched/) ----
    bool futex_waiting;  // in a FUTEX_WAIT on futex_addr
    bool timed_out;      // the latest wait ended by its deadline
    uint64_t futex_addr;
    const void* wait_channel;  // sched::wait_on: what it sleeps on, nullptr when not waiting
};

// The domain whose code is running (or whose syscall is being served).
Domain& current();
// Domain `id`, or nullptr when out of range.
Domain* get(uint32_t id);

// Sets up domain `id` from its descriptor (account, address space, kernel stack, FPU area,
// streams, files), reserves its memory limit and loads its app.  nullptr on success, else why it
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

// Makes d's address space, protection-key rights, FS base, kernel stack and FPU state live on
// this CPU.
void activate(Domain& d);

// Every entry into the kernel from an app (syscall, exception, interrupt) calls this first: PKRU
// is forced back to the running domain's rights, whatever the app did to it, so the kernel's
// accesses to user memory are never made with rights the domain should not have.
void on_kernel_entry();

// The app called exit_group(status).  Retires the domain; never returns to it.
[[noreturn]] void exit(Domain& d, int status);

// What ended a domain abnormally, reported through ER_HC_DOMAIN_EXIT reason ER_EXIT_SIGNAL.
struct Kill {
    uint32_t signal;
    uint32_t vector;  // x86 vector or 0xFFFFFFFF
    uint64_t fault_addr;
    uint64_t rip;
    uint64_t error_code;
    const char* message;
};
[[noreturn]] void kill(Domain& d, const Kill& why);
// ABI 5: ends d, which is not the domain on the CPU (runnable or sleeping), as kill() would, and
// returns: the host asked for it (ER_POLL_KILL) while another domain ran or the CPU idled.
void kill_other(Domain& d, const Kill& why);
// SIGKILL with "memory limit exceeded" (the domain's own limit) or "out of memory" (RAM).
[[noreturn]] void kill_out_of_memory(Domain& d);

}  // namespace uk::domain
