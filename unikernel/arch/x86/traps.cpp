// Entry point for every exception and interrupt (exception_stubs.S).  User-mode traps belong to
// the running domain (domain/faults.cpp); anything in kernel mode is a kernel bug and panics
// with the vector, rip, CR2 and error code.
#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"
#include "arch/x86/exception_names.hpp"
#include "arch/x86/lapic.hpp"
#include "arch/x86/trap_frame.hpp"
#include "domain/domain.hpp"
#include "domain/faults.hpp"
#include "domain/signals.hpp"
#include "lib/panic.hpp"
#include "libos-abi/enclave_abi.h"
#include "sched/scheduler.hpp"
#include "signal/signals.hpp"

extern "C" char uk_trap_iret[];  // the IRETQ of exception_stubs.S

namespace uk::x86 {
namespace {

const char* vector_name(uint64_t v) {
    static const char* const kNames[] = {
        "divide error",
        "debug",
        "NMI",
        "breakpoint",
        "overflow",
        "bound range exceeded",
        "invalid opcode",
        "device not available",
        "double fault",
        "coprocessor segment overrun",
        "invalid TSS",
        "segment not present",
        "stack-segment fault",
        "general protection fault",
        "page fault",
        "reserved vector 15",
        "x87 floating-point exception",
        "alignment check",
        "machine check",
        "SIMD floating-point exception",
        "virtualization exception",
        "control protection exception",
    };
    if (v < sizeof kNames / sizeof kNames[0]) return kNames[v];
    return v < 32 ? "reserved exception" : "unexpected interrupt";
}

// The domain whose frame IRETQ refused (its rip is not canonical): SIGSEGV, as Linux does for a
// bad return address.  The faulting IRETQ's own frame is abandoned with the domain.
[[noreturn]] void on_bad_return_frame() {
    uk::domain::Domain& d = uk::domain::current();
    uk::domain::on_kernel_entry();
    uk::domain::Kill k{};
    k.signal = uk::domain::kSigSegv;
    k.vector = 13;
    const TrapFrame* frame = uk::task::current().frame;
    k.rip = frame != nullptr ? frame->rip : 0;
    k.message = "return to a non-canonical address";
    uk::domain::kill(d, k);
}

[[noreturn]] void kernel_trap(const TrapFrame& f) {
    FixedText<ER_MESSAGE_MAX> t;
    t.str("kernel ").str(vector_name(f.vector)).str(" (vector ").udec(f.vector).str(") at rip ");
    t.hex(f.rip).str(" cr2 ").hex(read_cr2()).str(" error ").hex(f.error_code);
    t.str(" rsp ").hex(f.rsp);
    panic(t);
}

// A trap taken in kernel mode: only two are expected, anything else is a kernel bug.
void kernel_mode_trap(TrapFrame* frame) {
    if (frame->vector == 1) {
        // The kernel never arms a debug register, so a #DB in kernel mode is an app's single
        // step or breakpoint held pending across MOV SS/POP SS and delivered at the first
        // instruction of the SYSCALL (or a trap) entry.  It ran on its IST stack and touched
        // nothing; the interrupted entry goes on, and the app's TF (restored by SYSRET) steps it
        // again in user mode, where a #DB kills it with SIGTRAP.
        return;
    }
    if (frame->vector == 13 && frame->rip == reinterpret_cast<uint64_t>(uk_trap_iret)) {
        // IRETQ to a non-canonical rip faults at CPL0, before the switch to the app: the frame
        // being returned to is the current domain's, and only it dies.
        on_bad_return_frame();
    }
    kernel_trap(*frame);
}

}  // namespace

const char* exception_name(uint64_t vector) {
    return vector_name(vector);
}

}  // namespace uk::x86

extern "C" void uk_trap_dispatch(uk::x86::TrapFrame* frame) {
    using namespace uk::x86;
    // An app may enter with EFLAGS.AC set (popf works at CPL3); interrupt gates do not clear it,
    // and AC=1 would switch SMAP off for the kernel.
    if (g_cpu.smap) clac();
    bool from_user = (frame->cs & 3) == 3;
    if (from_user) uk::domain::on_kernel_entry();
    // Interrupts reach the kernel only while it idles (sti; hlt): the kernel itself is never
    // preempted.  A spurious interrupt needs no EOI.
    if (frame->vector == lapic::kSpuriousVector) {
        // nothing to acknowledge
    } else if (frame->vector == lapic::kTimerVector) {
        lapic::ack_tick();
        uk::sched::on_tick(from_user);
    } else if (from_user) {
        uk::domain::handle_user_trap(*frame);
    } else {
        kernel_mode_trap(frame);
    }
    // Every return to user mode (after a trap, or an interrupt, maybe much later when this task
    // is switched back in) delivers its pending signals: a fault's handler, SIGALRM, a kill.
    if (from_user) uk::signal::on_return_to_user(*frame, -1);
}
