#include "domain/domain.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"
#include "arch/x86/fpu.hpp"
#include "arch/x86/gdt.hpp"
#include "arch/x86/pkru.hpp"
#include "arch/x86/syscall_setup.hpp"
#include "domain/app_loader.hpp"
#include "domain/domain_table.hpp"
#include "domain/isolation.hpp"
#include "domain/private_tree.hpp"
#include "domain/signals.hpp"
#include "elf/elf.hpp"
#include "hv/hypercall.hpp"
#include "lib/panic.hpp"
#include "lib/string.hpp"
#include "mm/charged_frames.hpp"
#include "mm/frame_allocator.hpp"
#include "mm/layout.hpp"
#include "mpk/pkru.hpp"
#include "process/exit.hpp"
#include "sched/scheduler.hpp"
#include "task/kernel_stack.hpp"
#include "time/clock.hpp"

namespace uk::domain {
namespace {

static_assert(console::kMaxDomains >= ER_MAX_DOMAINS, "one pair of streams per domain");

Domain g_domains[ER_MAX_DOMAINS];
char g_kill_text[ER_MESSAGE_MAX];

// The first switch to the init task "returns" into uk_trap_return with this frame on its kernel
// stack: every register but rip/rsp cleared, as Linux does at exec (rdx = 0: no atexit
// function), interrupts on so the timer can preempt it.
void prepare_first_entry(task::Task& t, const EntryState& entry) {
    x86::TrapFrame f{};
    f.rip = entry.rip;
    f.rsp = entry.rsp;
    f.cs = x86::kUserCs;
    f.ss = x86::kUserDs;
    f.rflags = x86::kRflagsIf | 0x2;  // bit 1 is always set; IOPL 0: the app cannot cli
    task::prepare_first_entry(t, f);
}

// Every process of d: its files, pages and page tables go back to d's account.
void release_processes(Domain& d) {
    // Forked processes first: their descriptors point into init's pool, which init's release
    // empties (process/fork.cpp).
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < process::kMaxProcesses; i++) {
            process::Process* p = process::at(i);
            if (p->state == process::State::unused || p->dom != &d) continue;
            if ((p == d.init) != (pass == 1)) continue;
            process::release_resources(*p);
            process::free(*p);
        }
    }
    d.init = nullptr;
}

// Everything the domain held goes back: output to the host, files, frames, page tables, FPU
// area.  Then the host hears of its end.
// Called once its last task's stack is free.
void release_and_report(Domain& d, er_hc_exit& req) {
    console::flush_domain(d.id);
    req.domain = d.id;
    uint64_t run_ns = d.started ? time::uptime_ns() - d.start_ns : 0;
    // Off its page tables before freeing them; the kernel half is the same in every CR3.
    if (task::current().dom == &d) x86::write_cr3(mm::g_kernel_pt.root());
    release_processes(d);
    tree_release(d);  // the tree code is done with it: fs::release came first
    if (d.isolation == ER_ISO_MPK) mm::mpk_leave(d.mpk);
    mm::release_limit(d.account);
    d.state = State::dead;

    er_hc_domain_exit de{};
    de.exit = req;
    de.run_ns = run_ns;
    de.peak_mem_bytes = d.account.peak() * mm::kPageSize;
    de.isolation = d.isolation;
    if (d.isolation == ER_ISO_MPK) {
        de.pkey = d.mpk.key;
        de.mpk_space = d.mpk.space;
    }
    hv::domain_exit(de);
}

// Every task of d ends; the ones not on the CPU are freed now, the one on it (if any) by sched/
// once the CPU has left its stack.  The last to go reports d's end (on_task_released).
void end_tasks(Domain& d, const er_hc_exit& req) {
    if (!d.ending) {
        d.ending = true;
        d.exit_req = req;
    }
    for (uint32_t i = 0; i < task::kMaxTasks; i++) {
        task::Task* t = task::at(i);
        if (t->dom != &d || t->state == task::State::unused || t->state == task::State::dead)
            continue;
        sched::end_task(*t);
    }
}

// ... and the scheduler runs another.
[[noreturn]] void end_domain(Domain& d, er_hc_exit& req) {
    end_tasks(d, req);
    sched::leave_dead_task();
}

er_hc_exit kill_request(const Kill& why) {
    er_hc_exit req{};
    req.reason = ER_EXIT_SIGNAL;
    req.signal = why.signal;
    req.vector = why.vector;
    req.fault_addr = why.fault_addr;
    req.rip = why.rip;
    req.error_code = why.error_code;
    if (why.message != nullptr) {
        size_t n = strlen(why.message);
        if (n > sizeof g_kill_text) n = sizeof g_kill_text;
        memcpy(g_kill_text, why.message, n);  // the host needs a GPA: copy into kernel .bss
        req.message_gpa = mm::kernel_gpa(g_kill_text);
        req.message_len = n;
    }
    return req;
}

// Undoes what a failed create() took, in reverse order; `stage` says how far it got.
enum class Stage { reserved, task, isolated };

void undo_create(Domain& d, process::Process* p, task::Task* t, Stage stage) {
    if (stage >= Stage::isolated) {
        fs::release(p->files);
        if (task::current().dom == &d) x86::write_cr3(mm::g_kernel_pt.root());
        p->as.destroy();
        if (d.isolation == ER_ISO_MPK) mm::mpk_leave(d.mpk);
    }
    if (t != nullptr) task::release(*t);
    if (p != nullptr) process::free(*p);
    d.init = nullptr;
    tree_release(d);
    mm::release_limit(d.account);
    d.state = State::dead;
}

void size_text(TextBuffer& t, uint64_t frames) {
    uint64_t kib = frames * (mm::kPageSize >> 10);
    if (kib % 1024 == 0) {
        t.udec(kib / 1024).str(" MiB");
    } else {
        t.udec(kib).str(" KiB");
    }
}

// "memory limit of 16 MiB cannot be reserved: 12 MiB of guest RAM is left unreserved"
const char* limit_refusal(const Domain& d) {
    static FixedText<ER_MESSAGE_MAX> t;
    t.clear();
    t.str("memory limit of ");
    size_text(t, d.account.limit());
    t.str(" cannot be reserved: ");
    size_text(t, mm::unreserved_frames());
    t.str(" of guest RAM is left unreserved");
    t.ch('\0');
    return t.data();
}

}  // namespace

Domain& current() {
    return *task::current().dom;
}

uint32_t next_id(Domain& d) {
    return d.next_id++;
}

Domain* get(uint32_t id) {
    return id < ER_MAX_DOMAINS ? &g_domains[id] : nullptr;
}

namespace {

const char* set_up(Domain& d, process::Process& p, task::Task& t, const er_domain_desc& desc,
                   const uint8_t entropy[16]) {
    uint32_t id = d.id;

    // Static: er::elf::Image is ~700 bytes; keep it off the small kernel stack.
    static er::elf::Image img;
    AppFile file{static_cast<const uint8_t*>(mm::phys_to_virt(desc.app_gpa)), desc.app_size};
    er::elf::Status st = er::elf::parse(file.data, file.size, &img);
    if (st != er::elf::Status::ok) return er::elf::describe(st);
    IsolationChoice iso =
        choose_isolation(desc.isolation, x86::g_cpu.pku, img, file.data, file.size);
    if (iso.error != nullptr) return iso.error;
    if (iso.notice != nullptr) {
        FixedText<ER_MESSAGE_MAX> line;
        line.str("domain ").udec(id).str(" (").str(d.name).str("): ").str(iso.notice);
        klog(line);
    }
    d.isolation = iso.isolation;
    if (d.isolation == ER_ISO_MPK) {
        if (!mm::mpk_join(&d.mpk)) {
            d.isolation = ER_ISO_AUTO;  // nothing of the space to give back
            return "out of memory for an MPK address space";
        }
        p.as.init_shared(&d.account, d.mpk.root, d.mpk.key);
        p.cr3 = d.mpk.root | (x86::g_cpu.pcid ? mm::mpk_pcid(d.mpk.space) : 0);
    } else {
        if (!p.as.init(&d.account)) {
            d.isolation = ER_ISO_AUTO;  // init freed what it took
            return "out of memory for page tables";
        }
        // PCIDs 1..64 are the page-table domains' init processes (0 is the kernel's own CR3);
        // slots are never reused, so a domain's first load flushes nothing stale.
        p.cr3 = p.as.cr3() | (x86::g_cpu.pcid ? uint64_t(id) + 1 : 0);
    }
    p.cr3_loaded = false;

    const char* args_data = static_cast<const char*>(mm::phys_to_virt(desc.args_gpa));
    const char* why = nullptr;
    // A hot-added domain's tree is its private copy (create()); a boot domain's lies where the
    // launcher loaded it, in memory the host no longer touches.
    const void* image = d.tree != nullptr  ? d.tree
                        : desc.fs_gpa != 0 ? mm::phys_to_virt(desc.fs_gpa)
                                           : nullptr;
    uint64_t image_size = d.tree != nullptr ? d.tree_size : desc.fs_size;
    if (!fs::init(p.files, id, image, image_size, args_data, &why))
        return why != nullptr ? why : "malformed er-fs image";

    // The loader writes the initial stack through user_access, which works on current().
    task::activate(t);
    ArgBlob args{args_data, desc.args_size, desc.argc, desc.envc};
    EntryState entry{};
    if (const char* err = load_app(p, img, file, args, entropy, &entry)) return err;
    prepare_first_entry(t, entry);
    return nullptr;
}

const char* create_reserved(Domain& d, const er_domain_desc& desc, const uint8_t entropy[16]) {
    process::Process* p = process::alloc(d, next_id(d), nullptr);
    task::Task* t = p != nullptr ? task::alloc(*p, p->pid) : nullptr;
    if (t == nullptr) {
        undo_create(d, p, nullptr, Stage::reserved);
        return "no free process or task slot";
    }
    d.init = p;
    if (!task::alloc_stack_and_fpu(*t)) {
        undo_create(d, p, t, Stage::task);
        return "out of memory for the kernel stack and FPU state";
    }
    const char* err = set_up(d, *p, *t, desc, entropy);
    if (err != nullptr) {
        undo_create(d, p, t, d.isolation == ER_ISO_AUTO ? Stage::task : Stage::isolated);
        return err;
    }
    p->live_tasks = 1;
    d.live_tasks = 1;
    t->state = task::State::runnable;  // sched::add queues it
    return nullptr;
}

}  // namespace

const char* create(uint32_t id, const er_domain_desc& desc, const uint8_t entropy[16],
                   const StagedTree* staged_tree) {
    if (id >= ER_MAX_DOMAINS) return "domain index out of range";
    Domain& d = g_domains[id];
    d.id = id;
    d.state = State::unused;
    domain_name(desc, d.name);
    d.account.reset(mm::limit_frames_for(desc.mem_limit));
    d.out = console::stream(id, ER_STREAM_STDOUT);
    d.err = console::stream(id, ER_STREAM_STDERR);
    d.started = false;
    d.tree = nullptr;
    d.tree_size = 0;
    d.locks.clear();
    d.isolation = ER_ISO_AUTO;
    d.init = nullptr;
    d.next_id = 1;
    d.live_tasks = 0;
    d.ending = false;
    d.exit_req = er_hc_exit{};
    // Its whole limit first: a domain that starts is sure to get it (docs/threat-model.md).
    if (!mm::reserve_limit(d.account)) {
        d.state = State::dead;
        return limit_refusal(d);
    }
    // Its tree next, on its own account: copied once out of the staging area, then only the copy.
    if (staged_tree != nullptr) {
        if (const char* err = tree_copy_in(d, staged_tree->bytes, staged_tree->size)) {
            mm::release_limit(d.account);
            d.state = State::dead;
            return err;
        }
    }
    const char* err = create_reserved(d, desc, entropy);
    if (err != nullptr) return err;
    d.state = State::live;
    return nullptr;
}

void refuse(uint32_t id, const char* why) {
    er_hc_domain_exit de{};
    de.exit.reason = ER_EXIT_REFUSED;
    de.exit.vector = 0xFFFFFFFF;
    de.exit.domain = id;
    size_t n = strlen(why);
    if (n > sizeof g_kill_text) n = sizeof g_kill_text;
    memcpy(g_kill_text, why, n);  // the host needs a GPA: copy into kernel .bss
    de.exit.message_gpa = mm::kernel_gpa(g_kill_text);
    de.exit.message_len = n;
    hv::domain_exit(de);
}

void on_kernel_entry() {
    if (x86::g_cpu.pku) x86::force_pkru(er::mpk::pkru_only(process::current().as.pkey()));
}

void on_task_released(Domain& d) {
    if (d.live_tasks > 0) d.live_tasks--;
    if (d.live_tasks == 0 && d.state == State::live) release_and_report(d, d.exit_req);
}

void exit(Domain& d, int status) {
    er_hc_exit req{};
    req.reason = ER_EXIT_NORMAL;
    req.status = status;
    req.vector = 0xFFFFFFFF;
    end_domain(d, req);
}

void kill(Domain& d, const Kill& why) {
    // A forked process that faults or takes a fatal signal dies alone, as a zombie for its
    // parent (process/wait.cpp); the domain ends with its init.
    process::Process& p = process::current();
    if (p.dom == &d && &p != d.init) process::die_by_signal(int(why.signal));
    kill_domain(d, why);
}

void kill_domain(Domain& d, const Kill& why) {
    er_hc_exit req = kill_request(why);
    end_domain(d, req);
}

void kill_other(Domain& d, const Kill& why) {
    er_hc_exit req = kill_request(why);
    // Its tasks not on the CPU go now (the last one reports d's end); one the CPU idles on goes
    // once the scheduler leaves its stack.
    end_tasks(d, req);
    // An MPK neighbour in the CPU's current space may have TLB entries for d's freed pages:
    // reloading CR3 (no-flush bit clear) drops the current PCID's entries.
    x86::write_cr3(x86::read_cr3());
}

void kill_out_of_memory(Domain& d) {
    const x86::TrapFrame* f = task::current().dom == &d ? task::current().frame : nullptr;
    uint64_t rip = f != nullptr ? f->rip : 0;
    const char* msg = d.account.limit_hit() ? "memory limit exceeded" : "out of memory";
    // The whole domain, whichever of its processes ran out: its limit covers them all.
    er_hc_exit req = kill_request(Kill{kSigKill, 0xFFFFFFFF, 0, rip, 0, msg});
    end_domain(d, req);
}

}  // namespace uk::domain
