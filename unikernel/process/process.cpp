#include "process/process.hpp"

#include "domain/domain.hpp"
#include "task/task.hpp"

namespace uk::process {
namespace {

Process g_processes[kMaxProcesses];

}  // namespace

Process& current() {
    return *task::current().proc;
}

Process* at(uint32_t slot) {
    return slot < kMaxProcesses ? &g_processes[slot] : nullptr;
}

Process* find(const domain::Domain& d, uint32_t pid) {
    for (Process& p : g_processes) {
        if (p.state != State::unused && p.dom == &d && p.pid == pid) return &p;
    }
    return nullptr;
}

uint32_t inits_in_use() {
    uint32_t n = 0;
    for (const Process& p : g_processes) {
        if (p.state != State::unused && p.parent == nullptr) n++;
    }
    return n;
}

uint32_t slots_held_back() {
    uint32_t inits = inits_in_use();
    return inits < ER_MAX_DOMAINS ? ER_MAX_DOMAINS - inits : 0;
}

Process* alloc(domain::Domain& d, uint32_t pid, Process* parent) {
    if (parent != nullptr) {
        uint32_t free = 0;
        for (const Process& p : g_processes) free += p.state == State::unused ? 1 : 0;
        if (free <= slots_held_back()) return nullptr;  // EAGAIN: the rest are for new domains
    }
    for (uint32_t i = 0; i < kMaxProcesses; i++) {
        Process& p = g_processes[i];
        if (p.state != State::unused) continue;
        p.slot = i;
        p.pid = pid;
        p.state = State::live;
        p.dom = &d;
        p.parent = parent;
        p.pgid = parent != nullptr ? parent->pgid : pid;
        p.sid = parent != nullptr ? parent->sid : pid;
        p.live_tasks = 0;
        p.exit_status = 0;
        p.leader_exited = false;
        p.leader_status = 0;
        p.cr3 = 0;
        p.cr3_loaded = false;
        p.tlb_gen = 0;
        p.sig = signal::ProcessSignals{};  // fork/exec copy what they inherit (signal/signals.hpp)
        p.brk_start = p.brk = 0;
        p.exit_signal = 17;  // SIGCHLD
        p.subreaper = false;
        return &p;
    }
    return nullptr;
}

void free(Process& p) {
    p.state = State::unused;
    p.dom = nullptr;
    p.parent = nullptr;
}

void release_resources(Process& p) {
    fs::release_locks(p.files, p.pid);  // its POSIX locks, whoever else holds its files
    // A forked process's descriptors only: /tmp and the open-file pool are the domain's, released
    // with its init (domain.cpp releases every other process first).
    if (p.files.domain_wide != nullptr) {
        fs::release_fds(p.files, p.files.fds);
    } else {
        fs::release(p.files);
    }
    p.as.destroy();
}

}  // namespace uk::process
