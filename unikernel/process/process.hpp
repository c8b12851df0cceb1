// A process: an address space and the files its threads share, in one domain's process tree
// (docs/guest.md "Domains").  Its pid is in its domain's pid space (init is 1; tids share the
// space, as on Linux, so a process's pid is its first task's tid).  Today a domain holds one
// process, its init; fork (the copy-on-write work) adds more on top of this: parent links,
// children, reparenting to init, zombies and exit statuses are kept here for it.
#pragma once

#include <stdint.h>

#include "fs/domain_files.hpp"
#include "mm/address_space.hpp"
#include "signal/state.hpp"
#include "task/limits.hpp"

namespace uk::domain {
struct Domain;
}

namespace uk::process {

enum class State : uint8_t {
    unused,  // a free slot
    live,    // has live tasks
    zombie,  // every task ended; waits for its parent's wait4 (init's is reported to the host)
};

struct Process {
    uint32_t slot;  // index in the process table
    uint32_t pid;   // in its domain's pid space
    State state;
    domain::Domain* dom;
    Process* parent;  // nullptr for init; orphans are reparented to their domain's init
    uint32_t pgid;
    uint32_t sid;
    uint32_t live_tasks;  // tasks not yet dead
    int exit_status;      // the wait4 status word once a zombie
    bool leader_exited;   // its first thread called exit while others ran on: leader_status
    int leader_status;    // ... is the process's status when the last one ends (as Linux)

    mm::AddressSpace as;
    uint64_t cr3;           // root | PCID
    bool cr3_loaded;        // with PCID: loaded once, so later loads may keep its TLB entries
    uint64_t tlb_gen;       // x86::tlb_generation() at its latest load
    fs::DomainFiles files;  // its fd table, and today also its domain's trees (one process)

    // Program break: [brk_start, brk) is the heap VMA, page-rounded at its end.
    uint64_t brk_start;
    uint64_t brk;

    signal::ProcessSignals sig;  // actions, process-wide pending set, ITIMER_REAL (signal/)
    uint32_t exit_signal;  // sent to the parent when it ends (clone's low byte; SIGCHLD for fork)
    bool subreaper;        // PR_SET_CHILD_SUBREAPER: orphans below it come here, not to init
};

// The process of the task on the CPU.
Process& current();
// Process in table slot `slot`, or nullptr when out of range.
Process* at(uint32_t slot);
// The live or zombie process `pid` of domain d, or nullptr.
Process* find(const domain::Domain& d, uint32_t pid);

// A free slot made into a process of d with the given pid (state live, no address space yet),
// or nullptr when the table is full.
// A domain's init (parent nullptr) may take any free slot.  Every other process (a fork) may not
// take the last slots_held_back() free ones: one is kept for the init of each domain that could
// still start, so no domain can fork the table full and stop its neighbours' inits or a hot add.
Process* alloc(domain::Domain& d, uint32_t pid, Process* parent);
// Processes that are some domain's init (one per live domain), and the free process (and task)
// slots kept for the inits still to come: ER_MAX_DOMAINS - inits_in_use().
uint32_t inits_in_use();
uint32_t slots_held_back();
// Frees p's slot (its address space and files already released).
void free(Process& p);

// Gives back p's files and address space (pages and page tables, to its domain's account).
void release_resources(Process& p);

}  // namespace uk::process
