#include "task/task.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"
#include "arch/x86/fpu.hpp"
#include "arch/x86/gdt.hpp"
#include "arch/x86/pkru.hpp"
#include "arch/x86/syscall_setup.hpp"
#include "arch/x86/tlb.hpp"
#include "domain/domain.hpp"
#include "mm/charged_frames.hpp"
#include "mm/layout.hpp"
#include "mpk/pkru.hpp"
#include "process/process.hpp"
#include "task/kernel_stack.hpp"

extern "C" void uk_trap_return();

namespace uk::task {
namespace {

constexpr uint64_t kCr3NoFlush = 1ull << 63;

Task g_tasks[kMaxTasks];
Task* g_current = &g_tasks[0];

}  // namespace

Task& current() {
    return *g_current;
}

void set_current(Task& t) {
    g_current = &t;
}

Task* at(uint32_t slot) {
    return slot < kMaxTasks ? &g_tasks[slot] : nullptr;
}

Task* find(const domain::Domain& d, uint32_t tid) {
    for (Task& t : g_tasks) {
        bool live = t.state != State::unused && t.state != State::dead;
        if (live && t.dom == &d && t.tid == tid) return &t;
    }
    return nullptr;
}

Task* alloc(process::Process& p, uint32_t tid) {
    // A domain's first task (its init process before it runs) may take any free slot; any other
    // leaves one free slot for the first task of each domain that could still start.
    bool first_of_domain = p.parent == nullptr && p.live_tasks == 0;
    if (!first_of_domain) {
        uint32_t free = 0;
        for (const Task& t : g_tasks) free += t.state == State::unused ? 1 : 0;
        if (free <= process::slots_held_back()) return nullptr;
    }
    for (uint32_t i = 0; i < kMaxTasks; i++) {
        Task& t = g_tasks[i];
        if (t.state != State::unused) continue;
        // A dead task whose stack the CPU is still on keeps its slot until sched/ frees it.
        t = Task{};
        t.slot = i;
        t.state = State::dead;
        t.dom = p.dom;
        t.proc = &p;
        t.tid = tid;
        return &t;
    }
    return nullptr;
}

bool alloc_stack_and_fpu(Task& t) {
    mm::FrameAccount* account = &t.dom->account;
    uint64_t fpu_pa = mm::alloc_charged(account);
    if (fpu_pa == 0) return false;
    t.kstack_top = stack_map(t.slot, account);
    if (t.kstack_top == 0) {
        mm::free_charged(account, fpu_pa);
        return false;
    }
    t.fpu = mm::phys_to_virt(fpu_pa);
    x86::fpu::init_area(t.fpu);
    return true;
}

void release(Task& t) {
    mm::FrameAccount* account = &t.dom->account;
    if (t.kstack_top != 0) stack_unmap(t.slot, account);
    if (t.fpu != nullptr) mm::free_charged(account, mm::kernel_gpa(t.fpu));
    t.kstack_top = 0;
    t.fpu = nullptr;
    t.state = State::unused;
}

void activate(Task& t) {
    g_current = &t;
    process::Process& p = *t.proc;
    // MPK domains of one space share its root: switching between them needs no CR3 write (the
    // point of MPK).  A member's window is torn down with every PCID flushed at once
    // (x86::flush_all_tlbs in AddressSpace::destroy), so no load has to make up for it later.
    bool flush = !p.cr3_loaded || p.tlb_gen != x86::tlb_generation();
    // With PCID, PCID 0 is shared by every forked and exec'd process (process/fork.cpp): their
    // loads always flush it.  (Without PCID every CR3 write flushes anyway.)
    if (x86::g_cpu.pcid && (p.cr3 & 0xFFF) == 0) flush = true;
    if (flush || x86::read_cr3() != p.cr3)
        x86::write_cr3(!flush && x86::g_cpu.pcid ? p.cr3 | kCr3NoFlush : p.cr3);
    p.cr3_loaded = true;
    p.tlb_gen = x86::tlb_generation();
    if (x86::g_cpu.pku) x86::force_pkru(er::mpk::pkru_only(p.as.pkey()));
    x86::wrmsr(x86::kMsrFsBase, t.fs_base);
    // Traps and syscalls from this task land on its own kernel stack.
    x86::set_kernel_stack(t.kstack_top);
    uk_syscall_kernel_rsp = t.kstack_top;
    if (t.fpu != nullptr) x86::fpu::restore(t.fpu);
}

void prepare_first_entry(Task& t, const x86::TrapFrame& frame) {
    auto* f = reinterpret_cast<x86::TrapFrame*>(t.kstack_top - sizeof(x86::TrapFrame));
    *f = frame;
    // uk_switch_context pops rbp, rbx, r12-r15 (zero) and returns to uk_trap_return.
    auto* sp = reinterpret_cast<uint64_t*>(f);
    *--sp = reinterpret_cast<uint64_t>(&uk_trap_return);
    for (int i = 0; i < 6; i++) *--sp = 0;
    t.saved_rsp = reinterpret_cast<uint64_t>(sp);
}

}  // namespace uk::task
