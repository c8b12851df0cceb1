// Boot: check the launcher's boot info and domain table, take over the CPU (GDT, TSS, IDT, page
// tables, SYSCALL, SMEP/SMAP, PCID, FPU, LAPIC timer), create one domain per table entry, load
// each app, and hand the CPU to the scheduler.  The order matters:
// nothing may fault before the IDT exists, nothing may allocate before the frame allocator,
// and SMEP/SMAP go on only once the launcher's (user-accessible) boot mapping is gone.
#include <stdint.h>

#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"
#include "arch/x86/fpu.hpp"
#include "arch/x86/gdt.hpp"
#include "arch/x86/idt.hpp"
#include "arch/x86/ist_check.hpp"
#include "arch/x86/lapic.hpp"
#include "arch/x86/stacks.hpp"
#include "arch/x86/syscall_setup.hpp"
#include "arch/x86/trap_frame.hpp"
#include "attest/evidence.hpp"
#include "boot/host_hints.hpp"
#include "domain/domain.hpp"
#include "domain/domain_table.hpp"
#include "domain/hotadd.hpp"
#include "lib/panic.hpp"
#include "lib/string.hpp"
#include "mm/frame_allocator.hpp"
#include "mm/kernel_map.hpp"
#include "mm/layout.hpp"
#include "sched/scheduler.hpp"
#include "task/kernel_stack.hpp"
#include "time/clock.hpp"
#include "vdso/vdso.hpp"

extern "C" {
using InitFn = void (*)();
extern const InitFn __init_array_start[];
extern const InitFn __init_array_end[];
}

namespace uk {
namespace {

// A private copy: the launcher's page is not trusted to stay put, and the kernel drops the
// mapping it is read through.
er_boot_info g_boot;

// The launcher's boot mapping covers the first 1 GiB; early allocations (the kernel's page tables)
// must come from there.
constexpr uint64_t kBootWindow = 1ull << 30;

void check_boot_info(uint64_t boot_info_gpa) {
    if (boot_info_gpa != ER_GPA_BOOT_INFO) panic("boot: %rdi is not ER_GPA_BOOT_INFO");
    const auto* bi = static_cast<const er_boot_info*>(mm::phys_to_virt(boot_info_gpa));
    if (bi->magic != ER_BOOT_MAGIC) panic("boot: bad boot info magic");
    if (bi->abi_version != ER_ABI_VERSION) {
        FixedText<128> t;
        t.str("boot: ABI version mismatch (launcher ").udec(bi->abi_version).str(", unikernel ");
        t.udec(ER_ABI_VERSION).str(")");
        panic(t);
    }
    if (bi->size < sizeof(er_boot_info)) panic("boot: boot info smaller than this ABI's");
    memcpy(&g_boot, bi, sizeof g_boot);

    const er_boot_info& b = g_boot;
    if (!mm::page_aligned(b.free_start) || b.free_start >= b.mem_size ||
        b.free_start < ER_GPA_KERNEL_MAX) {
        panic("boot: free_start is not a page-aligned address inside RAM above the kernel");
    }
    if (b.free_start + (1ull << 20) > kBootWindow) panic("boot: free_start beyond the boot map");
    if (const char* err = boot::load_host_hints(b.hints_gpa)) panic(err);
}

const void* table_to_virt(uint64_t gpa) {
    return mm::phys_to_virt(gpa);
}

// The domain table, copied out of launcher memory and checked; a malformed one is a panic naming
// the field.
er_domain_desc g_table[ER_MAX_DOMAINS];
uint32_t g_table_count = 0;

void read_domain_table() {
    const er_boot_info& b = g_boot;
    if (b.app_gpa != 0 || b.app_size != 0 || b.args_gpa != 0 || b.args_size != 0 || b.argc != 0 ||
        b.envc != 0) {
        panic("boot: ABI 1 single-app fields (app_gpa..envc) are set; ABI 2 apps are domains");
    }
    // ABI 5 amendment: a persistent enclave may boot empty and take every domain by hot add.
    bool persistent = (b.flags & ER_BOOT_F_PERSISTENT) != 0;
    if ((b.domain_count == 0 && !persistent) || b.domain_count > ER_MAX_DOMAINS) {
        FixedText<128> t;
        t.str("boot: domain_count ").udec(b.domain_count).str(" is not in ");
        t.udec(persistent ? 0 : 1).str("..").udec(ER_MAX_DOMAINS);
        panic(t);
    }
    uint64_t bytes = uint64_t(b.domain_count) * sizeof(er_domain_desc);
    if (b.domains_gpa != ER_GPA_DOMAINS || b.domains_gpa + bytes > ER_GPA_BOOT_PT)
        panic("boot: domains_gpa is not ER_GPA_DOMAINS or the table overruns its area");
    memcpy(g_table, mm::phys_to_virt(b.domains_gpa), bytes);
    g_table_count = b.domain_count;
    FixedText<ER_MESSAGE_MAX> why;
    domain::TableBounds bounds{b.mem_size, b.free_start, table_to_virt, persistent};
    if (!domain::check_domain_table(g_table, g_table_count, bounds, why)) panic(why);
}

void run_constructors() {
    for (const InitFn* f = __init_array_start; f != __init_array_end; f++) (*f)();
}

[[noreturn]] void start_domains() {
    const er_boot_info& b = g_boot;
    if (b.flags & ER_BOOT_F_STATS) {
        // Every frame the domains take must be back once they have all ended (the soak test).
        FixedText<96> t;
        t.str("unikernel: stats: frames_free_before_domains=").udec(mm::g_frames.free_frames());
        klog(t);
        sched::report_stats_at_end(true);
    }
    for (uint32_t i = 0; i < g_table_count; i++) {
        // AT_RANDOM: domain 0 keeps the seed's first half as before; the others get it with
        // the second half rotated by their index, so no two domains see the same bytes.
        uint8_t entropy[16];
        for (uint32_t k = 0; k < 16; k++) {
            const uint8_t* seed = boot::host_hints().entropy;
            entropy[k] = i == 0 ? seed[k] : uint8_t(seed[k] ^ seed[16 + (k + i) % 16] ^ i);
        }
        if (const char* err = domain::create(i, g_table[i], entropy)) {
            domain::refuse(i, err);
            continue;
        }
        domain::Domain& d = *domain::get(i);
        sched::add(d);
        // Measured as loaded, in launch order; a refused domain never reaches the log.
        if (b.flags & ER_BOOT_F_ATTEST) attest::record_domain(g_table[i], d);
        if (b.flags & ER_BOOT_F_DEBUG) {
            FixedText<ER_MESSAGE_MAX> t;
            t.str("unikernel: domain ").udec(i).str(" ").str(d.name).str(": ");
            t.udec(d.account.held());
            t.str(" frames; ").udec(mm::g_frames.free_frames()).str(" free; smep ");
            t.udec(x86::g_cpu.smep).str(" smap ").udec(x86::g_cpu.smap).str(" pku ");
            t.udec(x86::g_cpu.pku).str(" pcid ").udec(x86::g_cpu.pcid).str(" timer ");
            t.str(x86::lapic::mode_name());
            klog(t);
        }
    }
    // Back on the kernel's own CR3 until the first switch.
    x86::write_cr3(mm::g_kernel_pt.root());
    // The evidence leaves before any domain runs: nothing an app does can change what it says.
    if (b.flags & ER_BOOT_F_ATTEST) {
        const er_host_hints& hints = boot::host_hints();
        attest::send_evidence(b.confidential, hints.nonce, hints.nonce_len);
    }
    sched::start();
}

}  // namespace
}  // namespace uk

extern "C" [[noreturn]] void kmain(uint64_t boot_info_gpa) {
    using namespace uk;
    // Exceptions first: everything after this reports a panic instead of triple-faulting.
    x86::init_gdt_and_tss();
    x86::init_idt();
    check_boot_info(boot_info_gpa);
    run_constructors();
    x86::detect_cpu_features();

    // A persistent enclave keeps the top of RAM for the staging and private copy areas (ABI 5).
    mm::g_frames.init(g_boot.free_start, hotadd::frames_end(g_boot), mm::phys_to_virt);
    if (const char* err = mm::build_kernel_map(g_boot.mem_size)) panic(err);
    x86::check_ist_setup();  // #DB, NMI, #DF, #MC on their own guarded stacks
    x86::enable_cpu_features();
    x86::init_syscall(reinterpret_cast<uint64_t>(uk_kernel_stack_top));
    x86::fpu::init();
    const er_host_hints& hints = boot::host_hints();
    time::init(hints.tsc_khz, (hints.flags & ER_BOOT_F_TSC_STABLE) != 0);
    if (const char* err = vdso::init()) klog(err);  // apps then simply get no vDSO
    read_domain_table();
    // Before any address space copies the kernel half (task/kernel_stack.hpp).
    if (const char* err = task::stack_window_init()) panic(err);
    hotadd::init(g_boot);
    // Before any domain copies the kernel half: the xAPIC page (if used) is a kernel mapping.
    x86::lapic::init(g_boot.timer_period_us,
                     (hints.flags & ER_BOOT_F_TSC_STABLE) != 0 ? hints.tsc_khz : 0);
    start_domains();
}
