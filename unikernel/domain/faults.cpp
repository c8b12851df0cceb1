#include "domain/faults.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/exception_names.hpp"
#include "domain/domain.hpp"
#include "domain/signals.hpp"
#include "lib/format.hpp"
#include "lib/panic.hpp"
#include "mm/page_table.hpp"
#include "mm/user_access.hpp"
#include "signal/fault_codes.hpp"
#include "signal/signals.hpp"

namespace uk::domain {
namespace {

// x86 page-fault error code bits.
constexpr uint64_t kPfPresent = 1 << 0;
constexpr uint64_t kPfWrite = 1 << 1;
constexpr uint64_t kPfReserved = 1 << 3;
constexpr uint64_t kPfFetch = 1 << 4;
constexpr uint64_t kPfPkey = 1 << 5;

const char* page_fault_message(mm::FaultKind kind, mm::Access access) {
    using mm::Access;
    using mm::FaultKind;
    switch (kind) {
        case FaultKind::unmapped:
            if (access == Access::write) return "page fault: write to unmapped address";
            if (access == Access::exec) return "page fault: execute at unmapped address";
            return "page fault: read of unmapped address";
        case FaultKind::kernel_page:
            if (access == Access::write) return "page fault: user write to kernel page";
            if (access == Access::exec) return "page fault: user execute of kernel page";
            return "page fault: user read of kernel page";
        case FaultKind::protection:
            if (access == Access::write) return "page fault: write to read-only memory";
            if (access == Access::exec) return "page fault: execute of non-executable memory";
            return "page fault: read of inaccessible (PROT_NONE) memory";
        default:
            return "page fault";
    }
}

// An MPK domain touched a present page whose protection key its PKRU denies: in a shared space
// that is another domain's page (docs/mpk.md).  Names the key, read from the page table.
const char* protection_key_message(uint64_t addr, mm::Access access) {
    static FixedText<ER_MESSAGE_MAX> t;
    t.clear();
    uint64_t* pte = process::current().as.page_table().walk(mm::page_down(addr), false);
    uint64_t key = pte != nullptr ? (*pte & mm::kPtePkeyMask) >> mm::kPtePkeyShift : 0;
    t.str("page fault: protection key ").udec(key).str(" denies ");
    t.str(access == mm::Access::write ? "a write to " : "a read of ");
    t.str(key == process::current().as.pkey() ? "this domain's own memory (PKRU was changed)"
                             : "another domain's memory");
    t.ch('\0');
    return t.data();
}

// Decodes enough of the instruction at rip to tell "the app tried a privileged instruction"
// from other #GP causes (bad segment, non-canonical address), for the message only.
bool is_privileged_instruction(uint64_t rip) {
    uint8_t code[16];
    size_t n = 0;
    // The bytes may straddle into an unmapped page: take what can be read.
    while (n < sizeof code && mm::copy_from_user(&code[n], rip + n, 1) == 0) n++;
    size_t i = 0;
    while (i < n && ((code[i] >= 0x40 && code[i] <= 0x4F) || code[i] == 0x66 || code[i] == 0x67 ||
                     code[i] == 0xF0 || code[i] == 0xF2 || code[i] == 0xF3 || code[i] == 0x26 ||
                     code[i] == 0x2E || code[i] == 0x36 || code[i] == 0x3E || code[i] == 0x64 ||
                     code[i] == 0x65)) {
        i++;
    }
    if (i >= n) return false;
    uint8_t op = code[i];
    if (op == 0xF4 || op == 0xFA || op == 0xFB) return true;  // hlt, cli, sti
    if ((op >= 0xE4 && op <= 0xE7) || (op >= 0xEC && op <= 0xEF) || (op >= 0x6C && op <= 0x6F))
        return true;  // in/out/ins/outs (no I/O bitmap, IOPL 0)
    if (op != 0x0F || i + 1 >= n) return false;
    uint8_t op2 = code[i + 1];
    switch (op2) {
        case 0x00:  // lldt/ltr group
        case 0x06:  // clts
        case 0x07:  // sysret
        case 0x08:  // invd
        case 0x09:  // wbinvd
        case 0x20:
        case 0x21:
        case 0x22:
        case 0x23:  // mov to/from cr/dr
        case 0x30:  // wrmsr
        case 0x32:  // rdmsr
        case 0x33:  // rdpmc
        case 0x35:  // sysexit
            return true;
        case 0x01:  // lgdt/lidt/invlpg/swapgs/xsetbv...; xgetbv and rdtscp are unprivileged
            return !(i + 2 < n && (code[i + 2] == 0xD0 || code[i + 2] == 0xF9));
        default:
            return false;
    }
}

struct VectorSignal {
    uint32_t signal;
    bool known;
};

VectorSignal signal_for(uint64_t vector) {
    switch (vector) {
        case 0:
            return {kSigFpe, true};  // #DE
        case 1:
            return {kSigTrap, true};  // #DB (single step)
        case 3:
            return {kSigTrap, true};  // int3
        case 4:
            return {kSigSegv, true};  // into
        case 5:
            return {kSigSegv, true};  // bound
        case 6:
            return {kSigIll, true};  // #UD
        case 7:
            return {kSigSegv, true};  // #NM: FPU is always enabled, should not happen
        case 10:
            return {kSigSegv, true};
        case 11:
            return {kSigBus, true};  // #NP, #SS: Linux sends SIGBUS
        case 12:
            return {kSigBus, true};
        case 13:
            return {kSigSegv, true};
        case 16:
            return {kSigFpe, true};  // #MF
        case 17:
            return {kSigBus, true};  // #AC
        case 19:
            return {kSigFpe, true};  // #XM
        case 21:
            return {kSigSegv, true};  // #CP
        default:
            return {0, false};
    }
}

}  // namespace

void handle_user_trap(x86::TrapFrame& f) {
    Domain& d = current();
    task::Task& t = task::current();
    t.frame = &f;
    Kill k{};
    k.vector = uint32_t(f.vector);
    k.rip = f.rip;
    k.error_code = f.error_code;

    if (f.vector == 14) {
        uint64_t addr = x86::read_cr2();
        uint64_t err = f.error_code;
        mm::Access access = (err & kPfFetch)   ? mm::Access::exec
                            : (err & kPfWrite) ? mm::Access::write
                                               : mm::Access::read;
        k.signal = kSigSegv;
        k.fault_addr = addr;
        if (err & kPfReserved) {
            k.message = "page fault: reserved bit set in page table";
            kill(d, k);
        }
        if (err & kPfPkey) {
            // A handler may take it (it still cannot touch the page); without one it kills.
            if (signal::queue_fault(t, kSigSegv, signal::kSegvPkuerr, addr, 14, err)) return;
            k.message = protection_key_message(addr, access);
            kill(d, k);
        }
        // A write to a copy-on-write page (fork) is resolved by a copy: progress, not a stale
        // TLB entry, however often the same instruction meets a freshly shared page.
        bool cow = access == mm::Access::write && t.proc->as.is_cow(addr);
        mm::FaultKind kind = t.proc->as.fault(addr, access);
        if (kind == mm::FaultKind::none) {
            if ((err & kPfPresent) && !cow) {
                // The VMA allows it and the page is present, so the TLB was stale.  Flush and
                // retry once; a second identical fault means the page tables disagree.
                if (t.last_fault_rip == f.rip && t.last_fault_addr == addr) {
                    k.message = "page fault: protection violation";
                    kill(d, k);
                }
                x86::invlpg(addr);
            }
            t.last_fault_rip = f.rip;
            t.last_fault_addr = addr;
            return;
        }
        if (kind == mm::FaultKind::out_of_memory) kill_out_of_memory(d);
        int32_t code = kind == mm::FaultKind::protection ? signal::kSegvAccerr : signal::kSegvMaperr;
        if (signal::queue_fault(t, kSigSegv, code, addr, 14, err)) return;  // its SIGSEGV handler
        k.message = page_fault_message(kind, access);
        kill(d, k);
    }

    VectorSignal vs = signal_for(f.vector);
    if (!vs.known) {
        FixedText<ER_MESSAGE_MAX> t;
        t.str("unexpected ").str(x86::exception_name(f.vector)).str(" (vector ").udec(f.vector);
        t.str(") from user mode at rip ").hex(f.rip);
        panic(t);
    }
    k.signal = vs.signal;
    signal::FaultCode fc = signal::fault_code(f.vector, f.rip);
    if (signal::queue_fault(t, vs.signal, fc.code, fc.addr, uint16_t(f.vector),
                            uint32_t(f.error_code)))
        return;  // the app's handler runs when this trap returns (signal/deliver.cpp)
    if (f.vector == 13 && is_privileged_instruction(f.rip)) {
        k.message = "general protection fault (privileged instruction)";
    } else {
        k.message = x86::exception_name(f.vector);
    }
    kill(d, k);
}

}  // namespace uk::domain
