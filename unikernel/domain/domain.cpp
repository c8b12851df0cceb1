#include "domain/domain.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"
#include "arch/x86/fpu.hpp"
#include "arch/x86/gdt.hpp"
#include "arch/x86/pkru.hpp"
#include "arch/x86/stacks.hpp"
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
#include "sched/scheduler.hpp"
#include "time/clock.hpp"

extern "C" void uk_trap_return();

namespace uk::domain {
namespace {

static_assert(x86::kMaxDomainStacks >= ER_MAX_DOMAINS, "one kernel stack per domain");
static_assert(console::kMaxDomains >= ER_MAX_DOMAINS, "one pair of streams per domain");

constexpr uint64_t kCr3NoFlush = 1ull << 63;

Domain g_domains[ER_MAX_DOMAINS];
Domain* g_current = &g_domains[0];
char g_kill_text[ER_MESSAGE_MAX];

// The first switch to a domain "returns" into uk_trap_return with this frame on its kernel
// stack: every register but rip/rsp cleared, as Linux does at exec (rdx = 0: no atexit function),
// interrupts on so the timer can preempt it.
void prepare_first_entry(Domain& d, const EntryState& entry) {
    auto* f = reinterpret_cast<x86::TrapFrame*>(d.kstack_top - sizeof(x86::TrapFrame));
    *f = x86::TrapFrame{};
    f->rip = entry.rip;
    f->rsp = entry.rsp;
    f->cs = x86::kUserCs;
    f->ss = x86::kUserDs;
    f->rflags = x86::kRflagsIf | 0x2;  // bit 1 is always set; IOPL 0: the app cannot cli
    // uk_switch_context pops rbp, rbx, r12-r15 (zero) and returns to uk_trap_return.
    auto* sp = reinterpret_cast<uint64_t*>(f);
    *--sp = reinterpret_cast<uint64_t>(&uk_trap_return);
    for (int i = 0; i < 6; i++) *--sp = 0;
    d.saved_rsp = reinterpret_cast<uint64_t>(sp);
}

// Everything the domain held goes back: output to the host, files, frames, page tables, FPU
// area.  Then the host hears of its end.
void release_and_report(Domain& d, er_hc_exit& req) {
    console::flush_domain(d.id);
    req.domain = d.id;
    uint64_t run_ns = d.started ? time::uptime_ns() - d.start_ns : 0;
    fs::release(d.files);
    tree_release(d);  // the tree code is done with it: fs::release came first
    // Off its page tables before freeing them; the kernel half is the same in every CR3.
    if (&d == g_current) x86::write_cr3(mm::g_kernel_pt.root());
    d.as.destroy();
    if (d.isolation == ER_ISO_MPK) mm::mpk_leave(d.mpk);
    if (d.fpu != nullptr) mm::free_charged(nullptr, mm::kernel_gpa(d.fpu));
    d.fpu = nullptr;
    mm::release_limit(d.account);

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

// ... and the scheduler drops it for good and runs another.
[[noreturn]] void end_domain(Domain& d, er_hc_exit& req) {
    release_and_report(d, req);
    sched::retire(d);
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
enum class Stage { reserved, fpu, isolated };

void undo_create(Domain& d, Stage stage) {
    if (stage >= Stage::isolated) {
        fs::release(d.files);
        if (&d == g_current) {
            x86::write_cr3(mm::g_kernel_pt.root());
            g_current = &g_domains[0];
        }
        d.as.destroy();
        if (d.isolation == ER_ISO_MPK) mm::mpk_leave(d.mpk);
    }
    if (stage >= Stage::fpu && d.fpu != nullptr) {
        mm::free_charged(nullptr, mm::kernel_gpa(d.fpu));
        d.fpu = nullptr;
    }
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
    return *g_current;
}

Domain* get(uint32_t id) {
    return id < ER_MAX_DOMAINS ? &g_domains[id] : nullptr;
}

namespace {

const char* set_up(Domain& d, const er_domain_desc& desc, const uint8_t entropy[16]) {
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
        FixedText<ER_MESSAGE_MAX> t;
        t.str("domain ").udec(id).str(" (").str(d.name).str("): ").str(iso.notice);
        klog(t);
    }
    d.isolation = iso.isolation;
    if (d.isolation == ER_ISO_MPK) {
        if (!mm::mpk_join(&d.mpk)) {
            d.isolation = ER_ISO_AUTO;  // nothing of the space to give back
            return "out of memory for an MPK address space";
        }
        d.as.init_shared(&d.account, d.mpk.root, d.mpk.key);
        d.cr3 = d.mpk.root | (x86::g_cpu.pcid ? mm::mpk_pcid(d.mpk.space) : 0);
    } else {
        if (!d.as.init(&d.account)) {
            d.isolation = ER_ISO_AUTO;  // init freed what it took
            return "out of memory for page tables";
        }
        // PCIDs 1..64 are the page-table domains' (0 is the kernel's own CR3); slots are never
        // reused, so a domain's first load flushes nothing stale.
        d.cr3 = d.as.cr3() | (x86::g_cpu.pcid ? uint64_t(id) + 1 : 0);
    }
    d.cr3_loaded = false;

    const char* args_data = static_cast<const char*>(mm::phys_to_virt(desc.args_gpa));
    const char* why = nullptr;
    // A hot-added domain's tree is its private copy (create()); a boot domain's lies where the
    // launcher loaded it, in memory the host no longer touches.
    const void* image = d.tree != nullptr  ? d.tree
                        : desc.fs_gpa != 0 ? mm::phys_to_virt(desc.fs_gpa)
                                           : nullptr;
    uint64_t image_size = d.tree != nullptr ? d.tree_size : desc.fs_size;
    if (!fs::init(d.files, id, image, image_size, args_data, &why))
        return why != nullptr ? why : "malformed er-fs image";

    // The loader writes the initial stack through user_access, which works on current().
    activate(d);
    ArgBlob args{args_data, desc.args_size, desc.argc, desc.envc};
    EntryState entry{};
    if (const char* err = load_app(d, img, file, args, entropy, &entry)) return err;
    prepare_first_entry(d, entry);
    return nullptr;
}

const char* create_reserved(Domain& d, const er_domain_desc& desc, const uint8_t entropy[16]) {
    uint64_t fpu_pa = mm::alloc_charged(nullptr);
    if (fpu_pa == 0) {
        undo_create(d, Stage::reserved);
        return "out of memory for the FPU state";
    }
    d.fpu = mm::phys_to_virt(fpu_pa);
    x86::fpu::init_area(d.fpu);
    const char* err = set_up(d, desc, entropy);
    if (err != nullptr) undo_create(d, d.isolation == ER_ISO_AUTO ? Stage::fpu : Stage::isolated);
    return err;
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
    d.brk_start = d.brk = 0;
    d.fs_base = 0;
    d.frame = nullptr;
    d.clear_child_tid = 0;
    d.last_fault_rip = d.last_fault_addr = 0;
    d.kstack_top = x86::domain_stack_top(id);
    d.started = false;
    d.futex_waiting = d.timed_out = false;
    d.wait_channel = nullptr;
    d.fpu = nullptr;
    d.tree = nullptr;
    d.tree_size = 0;
    d.isolation = ER_ISO_AUTO;
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
    d.state = State::runnable;
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

void activate(Domain& d) {
    g_current = &d;
    // MPK domains of one space share its root: switching between them needs no CR3 write (the
    // point of MPK), unless a member left and the space's TLB entries must go.
    bool flush = !d.cr3_loaded;
    if (d.isolation == ER_ISO_MPK && mm::mpk_take_flush(d.mpk.space)) flush = true;
    if (flush || x86::read_cr3() != d.cr3)
        x86::write_cr3(!flush && x86::g_cpu.pcid ? d.cr3 | kCr3NoFlush : d.cr3);
    d.cr3_loaded = true;
    if (x86::g_cpu.pku) x86::force_pkru(er::mpk::pkru_only(d.as.pkey()));
    x86::wrmsr(x86::kMsrFsBase, d.fs_base);
    // Traps and syscalls from this domain land on its own kernel stack.
    x86::set_kernel_stack(d.kstack_top);
    uk_syscall_kernel_rsp = d.kstack_top;
    if (d.fpu != nullptr) x86::fpu::restore(d.fpu);
}

void on_kernel_entry() {
    if (x86::g_cpu.pku) x86::force_pkru(er::mpk::pkru_only(g_current->as.pkey()));
}

void exit(Domain& d, int status) {
    er_hc_exit req{};
    req.reason = ER_EXIT_NORMAL;
    req.status = status;
    req.vector = 0xFFFFFFFF;
    end_domain(d, req);
}

void kill(Domain& d, const Kill& why) {
    er_hc_exit req = kill_request(why);
    end_domain(d, req);
}

void kill_other(Domain& d, const Kill& why) {
    er_hc_exit req = kill_request(why);
    release_and_report(d, req);
    sched::drop(d);
    // An MPK neighbour in the CPU's current space may have TLB entries for d's freed pages:
    // reloading CR3 (no-flush bit clear) drops the current PCID's entries.
    x86::write_cr3(x86::read_cr3());
}

void kill_out_of_memory(Domain& d) {
    uint64_t rip = d.frame != nullptr ? d.frame->rip : 0;
    const char* msg = d.account.limit_hit() ? "memory limit exceeded" : "out of memory";
    kill(d, Kill{kSigKill, 0xFFFFFFFF, 0, rip, 0, msg});
}

}  // namespace uk::domain
