// Boot: check the launcher's boot info, take over the CPU (GDT, TSS, IDT, page tables, SYSCALL,
// SMEP/SMAP), create domain 0, load the app into it and drop to CPL3.  The order matters:
// nothing may fault before the IDT exists, nothing may allocate before the frame allocator,
// and SMEP/SMAP go on only once the launcher's (user-accessible) boot mapping is gone.
#include <stdint.h>

#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"
#include "arch/x86/gdt.hpp"
#include "arch/x86/idt.hpp"
#include "arch/x86/stacks.hpp"
#include "arch/x86/syscall_setup.hpp"
#include "arch/x86/trap_frame.hpp"
#include "domain/app_loader.hpp"
#include "domain/domain.hpp"
#include "lib/panic.hpp"
#include "lib/string.hpp"
#include "mm/frame_allocator.hpp"
#include "mm/kernel_map.hpp"
#include "mm/layout.hpp"
#include "time/clock.hpp"

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
    if (b.app_gpa + b.app_size < b.app_gpa || b.app_gpa + b.app_size > b.free_start)
        panic("boot: app image outside RAM");
    if (b.args_size > ER_ARGS_MAX || b.args_gpa + b.args_size > b.mem_size)
        panic("boot: args blob outside RAM");
}

void run_constructors() {
    for (const InitFn* f = __init_array_start; f != __init_array_end; f++) (*f)();
}

[[noreturn]] void start_app() {
    const er_boot_info& b = g_boot;
    if (!domain::create(0)) panic("out of memory creating the first domain");
    domain::Domain& d = domain::current();
    domain::activate(d);

    domain::AppFile file{static_cast<const uint8_t*>(mm::phys_to_virt(b.app_gpa)), b.app_size};
    domain::ArgBlob args{static_cast<const char*>(mm::phys_to_virt(b.args_gpa)), b.args_size,
                         b.argc, b.envc};
    if (!domain::args_blob_valid(args)) panic("boot: argv/envp blob does not match argc + envc");
    domain::EntryState entry{};
    if (const char* err = domain::load_app(d, file, args, b.entropy, &entry)) {
        FixedText<ER_MESSAGE_MAX> t;
        t.str("cannot load the app: ").str(err);
        panic(t);
    }
    if (b.flags & ER_BOOT_F_DEBUG) {
        FixedText<ER_MESSAGE_MAX> t;
        t.str("unikernel: app entry ").hex(entry.rip).str(" rsp ").hex(entry.rsp).str(", ");
        t.udec(mm::g_frames.used_frames()).str(" frames used, ");
        t.udec(mm::g_frames.free_frames()).str(" free; smep ").udec(x86::g_cpu.smep);
        t.str(" smap ").udec(x86::g_cpu.smap).str(" pku ").udec(x86::g_cpu.pku);
        t.str(" cr4 ").hex(x86::read_cr4());
        klog(t);
    }

    // The first entry to CPL3 goes through iretq with every register but rip/rsp cleared, as
    // Linux does at exec (rdx = 0: no atexit function for the app to register).
    x86::TrapFrame f{};
    f.rip = entry.rip;
    f.rsp = entry.rsp;
    f.cs = x86::kUserCs;
    f.ss = x86::kUserDs;
    // IF stays clear: there is no timer yet (issue #4 turns it on with the scheduler), and with
    // IOPL 0 the app cannot change it.  Bit 1 is always set.
    f.rflags = 0x2;
    uk_enter_frame(&f);
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

    mm::g_frames.init(g_boot.free_start, mm::page_down(g_boot.mem_size), mm::phys_to_virt);
    if (const char* err = mm::build_kernel_map(g_boot.mem_size)) panic(err);
    x86::enable_cpu_features();
    x86::init_syscall(reinterpret_cast<uint64_t>(uk_kernel_stack_top));
    time::init(g_boot.tsc_khz, (g_boot.flags & ER_BOOT_F_TSC_STABLE) != 0);
    start_app();
}
