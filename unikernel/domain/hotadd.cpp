#include "domain/hotadd.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/fpu.hpp"
#include "attest/evidence.hpp"
#include "boot/host_hints.hpp"
#include "domain/args_blob.hpp"
#include "domain/domain.hpp"
#include "domain/domain_table.hpp"
#include "domain/private_tree.hpp"
#include "domain/signals.hpp"
#include "domain/staged_domain.hpp"
#include "hv/hypercall.hpp"
#include "lib/panic.hpp"
#include "lib/string.hpp"
#include "mm/layout.hpp"
#include "mm/page_table.hpp"
#include "sched/scheduler.hpp"
#include "signal/signals.hpp"

namespace uk::hotadd {
namespace {

bool g_on = false;
uint32_t g_flags = 0;
uint32_t g_confidential = ER_CC_OFF;
domain::StagingBounds g_staging{};
uint64_t g_copy_gpa = 0;  // the private copy area: staging_size bytes right below the staging
uint64_t g_added = 0;     // domains added so far: varies each one's AT_RANDOM

// The lowest slot no live domain holds (a domain is dead only once its last task's kernel stack
// is free: sched/ frees the one the CPU idles on after leaving it).
uint32_t free_slot() {
    for (uint32_t i = 0; i < ER_MAX_DOMAINS; i++) {
        domain::Domain* d = domain::get(i);
        if (d->state == domain::State::unused || d->state == domain::State::dead) return i;
    }
    return ER_POLL_NO_SLOT;
}

// Names of the live domains, as descriptors, for the uniqueness check.
uint32_t live_names(er_domain_desc (&store)[ER_MAX_DOMAINS],
                    const er_domain_desc* (&ptrs)[ER_MAX_DOMAINS]) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < ER_MAX_DOMAINS; i++) {
        domain::Domain* d = domain::get(i);
        if (d->state == domain::State::unused || d->state == domain::State::dead) continue;
        memset(&store[n], 0, sizeof store[n]);
        for (uint32_t k = 0; k < ER_DOMAIN_NAME_MAX && d->name[k] != '\0'; k++)
            store[n].name[k] = d->name[k];
        ptrs[n] = &store[n];
        n++;
    }
    return n;
}

// Copies app and args once into the private area and points `priv` at the copies.
const char* copy_in(const er_domain_desc& staged, er_domain_desc& priv) {
    uint64_t args_at = mm::page_up(staged.app_size);
    if (args_at + staged.args_size > g_staging.size || args_at < staged.app_size)
        return "app and args do not fit the private copy area";
    auto* dst = static_cast<uint8_t*>(mm::phys_to_virt(g_copy_gpa));
    memcpy(dst, mm::phys_to_virt(staged.app_gpa), staged.app_size);
    memcpy(dst + args_at, mm::phys_to_virt(staged.args_gpa), staged.args_size);
    priv = staged;
    priv.app_gpa = g_copy_gpa;
    priv.args_gpa = g_copy_gpa + args_at;
    domain::ArgBlob args{reinterpret_cast<const char*>(dst + args_at), staged.args_size,
                         staged.argc, staged.envc};
    if (!domain::args_blob_valid(args))
        return "args blob does not hold exactly argc + envc strings";
    return nullptr;
}

void add(const er_hc_domain_poll& answer, uint32_t slot) {
    if (slot == ER_POLL_NO_SLOT || answer.domain != slot) {
        FixedText<128> t;
        t.str("hot add: the host answered ADD for domain ").udec(answer.domain);
        t.str(" but the guest offered ").udec(slot);
        panic(t);
    }
    static er_domain_desc names[ER_MAX_DOMAINS];
    static const er_domain_desc* live[ER_MAX_DOMAINS];
    uint32_t live_count = live_names(names, live);
    FixedText<ER_MESSAGE_MAX> why;
    if (!domain::check_staged_domain(answer.desc, slot, g_staging, live, live_count, why)) {
        why.ch('\0');
        domain::refuse(slot, why.data());
        return;
    }
    static er_domain_desc priv;
    if (const char* err = copy_in(answer.desc, priv)) {
        domain::refuse(slot, err);
        return;
    }
    if ((g_flags & ER_BOOT_F_ATTEST) && attest::log_full()) {
        // Seam: a log that outgrows its page needs evidence in parts (docs/guest.md "Hot add").
        domain::refuse(slot, "the measurement log is full");
        return;
    }
    if (g_flags & ER_BOOT_F_ATTEST) {
        char name[ER_DOMAIN_NAME_MAX + 1];
        domain::domain_name(priv, name);
        if (attest::log_has_name(name)) {
            domain::refuse(slot, "the name is in the measurement log already (names are unique)");
            return;
        }
    }
    uint8_t entropy[16];
    const uint8_t* seed = boot::host_hints().entropy;
    g_added++;
    for (uint32_t k = 0; k < 16; k++)
        entropy[k] = uint8_t(seed[k] ^ seed[16 + (k + slot) % 16] ^ (g_added >> (8 * (k % 8))));
    // create() makes the new domain live on the CPU to build its stack: keep the FPU state of the
    // domain on the CPU (an interrupted app, or a sleeper the CPU idles for) and put it back.
    task::Task* cur = sched::running();
    bool cur_live = cur != nullptr && cur->state != task::State::dead;
    if (cur_live) x86::fpu::save(cur->fpu);
    // The tree stays in the staging area until create() copies it into the domain's own frames
    // (private_tree.hpp): read once, like app and args; priv describes no image of its own.
    domain::StagedTree tree{mm::phys_to_virt(answer.desc.fs_gpa), answer.desc.fs_size};
    priv.fs_gpa = 0;
    priv.fs_size = 0;
    const char* err =
        domain::create(slot, priv, entropy, answer.desc.fs_gpa != 0 ? &tree : nullptr);
    if (cur_live) {
        task::activate(*cur);
    } else {
        x86::write_cr3(mm::g_kernel_pt.root());
    }
    if (err != nullptr) {
        domain::refuse(slot, err);
        return;
    }
    domain::Domain& d = *domain::get(slot);
    sched::add(d);
    if (g_flags & ER_BOOT_F_ATTEST) {
        // Measured before it first runs, and the evidence re-sent with the longer log (ABI 5
        // amendment), so the host can vouch for every domain it added.
        attest::record_domain(priv, d);
        const er_host_hints& hints = boot::host_hints();
        attest::send_evidence(g_confidential, hints.nonce, hints.nonce_len);
    }
    if (g_flags & ER_BOOT_F_DEBUG) {
        FixedText<ER_MESSAGE_MAX> t;
        t.str("unikernel: hot add: domain ").udec(slot).str(" ").str(d.name).str(": ");
        t.udec(d.account.held()).str(" frames");
        klog(t);
    }
}

void kill(const er_hc_domain_poll& answer, bool from_user) {
    domain::Domain* d = domain::get(answer.domain);
    if (d == nullptr || d->state == domain::State::unused || d->state == domain::State::dead) {
        FixedText<96> t;
        t.str("unikernel: hot add: kill of domain ").udec(answer.domain).str(", not live: ignored");
        klog(t);
        return;
    }
    uint32_t sig = answer.signal >= 1 && answer.signal <= 64 ? answer.signal : domain::kSigKill;
    task::Task* run = sched::running();
    bool on_cpu = run != nullptr && run->dom == d && run->state == task::State::running;
    uint64_t rip = on_cpu && run->frame != nullptr ? run->frame->rip : 0;
    domain::Kill why{sig, 0xFFFFFFFF, 0, rip, 0, "killed by the host"};
    if (on_cpu) {
        // Only a tick from user mode gets here with the domain on the CPU: it ends like a fault.
        if (!from_user) panic("hot add: kill of the running domain outside a tick");
        domain::kill_domain(*d, why);
    }
    domain::kill_other(*d, why);
}

// ABI 5 amendment (ER_POLL_SIGNAL): a signal from the host to the domain's init, as docker stop
// sends SIGTERM.  Its handler runs when the init's thread next returns to user mode (a blocked
// one is woken); with SIG_DFL an init ignores it, as a container's pid 1 does on Linux, so the
// host follows up with SIGKILL (ER_POLL_KILL, or SIGKILL here) after its grace period.
void send_signal(const er_hc_domain_poll& answer, bool from_user) {
    domain::Domain* d = domain::get(answer.domain);
    bool live = d != nullptr && d->state != domain::State::unused &&
                d->state != domain::State::dead && d->init != nullptr;
    if (!live || answer.signal < 1 || answer.signal > signal::kNsig) {
        FixedText<96> t;
        t.str("unikernel: hot add: signal ").udec(answer.signal).str(" to domain ");
        t.udec(answer.domain).str(": not live or no such signal, ignored");
        klog(t);
        return;
    }
    if (answer.signal == signal::kSigKill) {
        kill(answer, from_user);
        return;
    }
    signal::Info i{};
    i.code = signal::kSiUser;  // pid 0: from outside the domain's pid namespace
    signal::raise_process(*d->init, answer.signal, i, signal::Sender::host);
}

}  // namespace

uint64_t frames_end(const er_boot_info& b) {
    if (!(b.flags & ER_BOOT_F_PERSISTENT)) {
        if (b.staging_gpa != 0 || b.staging_size != 0)
            panic("boot: staging area set without ER_BOOT_F_PERSISTENT");
        return mm::page_down(b.mem_size);
    }
    if (b.staging_size == 0 || !mm::page_aligned(b.staging_size) ||
        !mm::page_aligned(b.staging_gpa) || b.staging_gpa + b.staging_size != b.mem_size ||
        b.staging_size > b.mem_size / 4 || b.staging_gpa < b.free_start + 2 * b.staging_size) {
        panic("boot: the staging area is not page aligned at the top of RAM, or too large");
    }
    if (b.timer_period_us == 0) panic("boot: a persistent enclave needs a timer (it polls)");
    return b.staging_gpa - b.staging_size;
}

void init(const er_boot_info& b) {
    g_flags = b.flags;
    g_confidential = b.confidential;
    if (!(b.flags & ER_BOOT_F_PERSISTENT)) return;
    g_on = true;
    g_staging = {b.staging_gpa, b.staging_size};
    g_copy_gpa = b.staging_gpa - b.staging_size;
    // Before any address space copies the kernel half (private_tree.hpp).
    if (const char* err = domain::tree_window_init(b.staging_size)) panic(err);
    sched::set_persistent(true);
}

bool poll(bool from_user) {
    if (!g_on) return false;
    uint32_t slot = free_slot();
    er_hc_domain_poll answer = hv::domain_poll(slot);  // copied once out of the request
    switch (answer.action) {
        case ER_POLL_NONE:
            return false;
        case ER_POLL_ADD:
            add(answer, slot);
            return true;
        case ER_POLL_KILL:
            kill(answer, from_user);
            return true;
        case ER_POLL_SIGNAL:
            send_signal(answer, from_user);
            return true;
        case ER_POLL_SHUTDOWN:
            g_on = false;
            sched::set_persistent(false);
            return true;
        default:
            panic("hot add: the host answered an unknown poll action");
    }
}

}  // namespace uk::hotadd
