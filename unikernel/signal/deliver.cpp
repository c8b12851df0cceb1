// Delivery on every return to user mode: restart or -EINTR for an interrupted syscall, default
// actions, and the Linux rt_sigframe a handler runs on (signal/frame.hpp).
#include "arch/x86/cpu.hpp"
#include "arch/x86/fpu.hpp"
#include "arch/x86/gdt.hpp"
#include "lib/format.hpp"
#include "mm/user_access.hpp"
#include "signal/frame.hpp"
#include "signal/restart.hpp"
#include "signal/signals.hpp"

namespace uk::signal {
namespace {

constexpr uint64_t kRedZone = 128;
constexpr uint64_t kSyscallInsnLen = 2;
constexpr uint64_t kRflagsTf = 1ull << 8, kRflagsDf = 1ull << 10, kRflagsRf = 1ull << 16;

[[noreturn]] void die(task::Task& t, const x86::TrapFrame& f, uint32_t sig, const char* message) {
    domain::Kill k{};
    k.signal = sig;
    k.vector = 0xFFFFFFFF;
    k.rip = f.rip;
    k.message = message;
    domain::kill(*t.dom, k);
}

[[noreturn]] void terminate(task::Task& t, const x86::TrapFrame& f, uint32_t sig) {
    static FixedText<64> m;
    m.clear();
    m.str("killed by ").str(name(sig)).str(" (default action)").ch('\0');
    die(t, f, sig, m.data());
}

void fill_sigcontext(Sigcontext& sc, const x86::TrapFrame& f, const Info& info) {
    sc.r8 = f.r8, sc.r9 = f.r9, sc.r10 = f.r10, sc.r11 = f.r11;
    sc.r12 = f.r12, sc.r13 = f.r13, sc.r14 = f.r14, sc.r15 = f.r15;
    sc.rdi = f.rdi, sc.rsi = f.rsi, sc.rbp = f.rbp, sc.rbx = f.rbx;
    sc.rdx = f.rdx, sc.rax = f.rax, sc.rcx = f.rcx, sc.rsp = f.rsp;
    sc.rip = f.rip, sc.eflags = f.rflags;
    sc.cs = x86::kUserCs;
    sc.ss = x86::kUserDs;
    if (info.fault) {
        sc.trapno = info.trapno;
        sc.err = uint32_t(info.status);
        if (info.trapno == 14) sc.cr2 = info.addr;
    }
}

// Writes the FPU image at fp: the live registers as FXSAVE/XSAVE lay them out, and with XSAVE
// the software bytes and magic that tell libc (and rt_sigreturn) an extended image follows.
bool write_fpstate(task::Task& t, uint64_t fp) {
    uint64_t size = x86::fpu::area_size();
    x86::fpu::save(t.fpu);
    if (mm::copy_to_user(fp, t.fpu, size) != 0) return false;
    uint64_t xf = x86::fpu::xfeatures();
    if (xf == 0) return true;
    FpxSwBytes sw{};
    sw.magic1 = kFpXstateMagic1;
    sw.extended_size = uint32_t(size + 4);
    sw.xfeatures = xf;
    sw.xstate_size = uint32_t(size);
    uint32_t magic2 = kFpXstateMagic2;
    return mm::copy_to_user(fp + kFpxSwOffset, &sw, sizeof sw) == 0 &&
           mm::copy_to_user(fp + size, &magic2, sizeof magic2) == 0;
}

// Linux's get_sigframe + setup_rt_frame + signal_setup_done.  False when the frame cannot be
// written (no restorer, no room on the alternate stack, unmapped stack): the caller kills.
bool setup_frame(task::Task& t, x86::TrapFrame& f, uint32_t sig, const Info& info, Action& a) {
    ThreadSignals& ts = thread_of(t);
    if (!(a.flags & kSaRestorer)) return false;  // x86-64 Linux has no default trampoline
    bool was_on = on_altstack(ts, f.rsp);
    uint64_t sp = f.rsp - kRedZone;
    bool entering = false;
    if ((a.flags & kSaOnstack) && ts.alt_size != 0 && !was_on) {
        sp = ts.alt_sp + ts.alt_size;
        entering = true;
    }
    bool xsave = x86::fpu::xfeatures() != 0;
    uint64_t fp = (sp - x86::fpu::area_size() - (xsave ? 4 : 0)) & ~63ull;
    uint64_t frame = ((fp - sizeof(RtSigframe)) & ~15ull) - 8;
    if (fp > sp || frame > fp) return false;  // wrapped below 0
    if ((was_on || entering) && !(frame > ts.alt_sp && frame - ts.alt_sp <= ts.alt_size))
        return false;  // the alternate stack overflows: Linux gives SIGSEGV too

    RtSigframe fr{};
    fr.pretcode = a.restorer;
    fr.uc.flags = (xsave ? kUcFpXstate : 0) | kUcSigcontextSs | kUcStrictRestoreSs;
    fr.uc.stack.sp = ts.alt_sp;
    fr.uc.stack.size = ts.alt_size;
    fr.uc.stack.flags = int32_t((ts.alt_size == 0 ? kSsDisable
                                 : was_on         ? kSsOnstack
                                                  : 0) |
                                ts.alt_flags);
    fill_sigcontext(fr.uc.mcontext, f, info);
    fr.uc.mcontext.fpstate = fp;
    uint64_t saved = ts.restore_mask ? ts.saved_mask : ts.blocked;
    fr.uc.mcontext.oldmask = saved;
    fr.uc.sigmask = saved;
    to_siginfo(fr.info, sig, info);
    if (!write_fpstate(t, fp)) return false;
    if (mm::copy_to_user(frame, &fr, sizeof fr) != 0) return false;

    if (entering && (ts.alt_flags & kSsAutodisarm)) ts.alt_sp = ts.alt_size = 0, ts.alt_flags = 0;
    f.rsp = frame;
    f.rip = a.handler;
    f.rdi = sig;
    f.rsi = frame + offsetof(RtSigframe, info);
    f.rdx = frame + offsetof(RtSigframe, uc);
    f.rax = 0;
    f.rflags &= ~(kRflagsTf | kRflagsDf | kRflagsRf);
    f.cs = x86::kUserCs;
    f.ss = x86::kUserDs;
    ts.blocked = (ts.blocked | a.mask | ((a.flags & kSaNodefer) ? 0 : bit(sig))) & ~kUnblockable;
    ts.restore_mask = false;
    if (a.flags & kSaResethand) a.handler = kSigDfl;
    // The handler starts from a clean FPU state, as on Linux; sigreturn brings the image back.
    x86::fpu::init_area(t.fpu);
    x86::fpu::restore(t.fpu);
    return true;
}

bool is_restart_code(int64_t r) {
    return r == -kERestartSys || r == -kERestartNoIntr || r == -kERestartNoHand ||
           r == -kERestartRestartBlock;
}

// The interrupted syscall's fate once a handler is about to run (Linux's handle_signal).
void restart_for_handler(x86::TrapFrame& f, int64_t nr, uint64_t flags) {
    int64_t r = int64_t(f.rax);
    bool restart = r == -kERestartNoIntr || (r == -kERestartSys && (flags & kSaRestart));
    if (restart) {
        f.rax = uint64_t(nr);
        f.rip -= kSyscallInsnLen;
    } else {
        f.rax = uint64_t(-int64_t(kEINTR));
    }
}

}  // namespace

void to_siginfo(Siginfo& si, uint32_t sig, const Info& info) {
    si.signo = int32_t(sig);
    si.code = info.code;
    if (info.fault) {
        si.u.fault.addr = info.addr;
    } else if (sig == kSigChld) {
        si.u.kill.pid = info.pid;
        si.u.kill.status = info.status;
    } else {
        si.u.rt.pid = info.pid;
        si.u.rt.value = info.addr;
    }
}

bool on_return_to_user(x86::TrapFrame& f, int64_t nr) {
    task::Task& t = task::current();
    ThreadSignals& ts = thread_of(t);
    bool changed = nr == kNrRtSigreturn;  // every register comes back: IRETQ, not SYSRET
    bool pending_restart = nr >= 0 && !changed && is_restart_code(int64_t(f.rax));
    for (;;) {
        uint64_t ready = deliverable(t);
        if (ready == 0) break;
        Info info;
        uint32_t sig = dequeue(t, ready, &info);
        Action& a = process_of(t).action[sig - 1];
        if (sig == kSigKill) die(t, f, sig, "killed by SIGKILL");
        if (a.handler == kSigIgn) continue;
        if (a.handler == kSigDfl) {
            if (default_action(sig) != Default::terminate) continue;
            // An init that blocked it while SIG_DFL: dropped now (Linux's get_signal).
            if (is_init(*t.proc)) continue;
            terminate(t, f, sig);
        }
        if (pending_restart) {
            restart_for_handler(f, nr, a.flags);
            pending_restart = false;
        }
        if (!setup_frame(t, f, sig, info, a)) {
            static FixedText<96> m;
            m.clear();
            m.str("cannot deliver ").str(name(sig)).str(": its handler's frame does not fit the ");
            m.str("stack at ").hex(f.rsp).ch('\0');
            die(t, f, kSigSegv, m.data());
        }
        changed = true;
    }
    if (pending_restart) {
        // No handler ran: the call starts again (a relative sleep through restart_syscall).
        f.rax = int64_t(f.rax) == -kERestartRestartBlock ? kNrRestartSyscall : uint64_t(nr);
        f.rip -= kSyscallInsnLen;
        changed = true;
    }
    if (ts.restore_mask) {
        ts.blocked = ts.saved_mask;
        ts.restore_mask = false;
    }
    return changed;
}

}  // namespace uk::signal
