// rt_sigreturn: the app hands back a frame it could have rewritten at will, so every field that
// could lift its privilege is checked, not trusted (docs/threat-model.md "Entry and exit").  A
// frame that must not be resumed kills the domain with SIGSEGV, as Linux does for a bad frame.
#include "arch/x86/cpu.hpp"
#include "arch/x86/fpu.hpp"
#include "arch/x86/gdt.hpp"
#include "lib/format.hpp"
#include "mm/layout.hpp"
#include "mm/user_access.hpp"
#include "signal/frame.hpp"
#include "signal/signals.hpp"

namespace uk::signal {
namespace {

// The flags a frame may set (Linux's FIX_EFLAGS): arithmetic flags, TF, DF, AC, RF.  AC at CPL3
// only enables alignment checks in user mode (every kernel entry runs CLAC, SYSCALL's SFMASK
// clears it) and POPF sets it anyway.  IF is always on; IOPL, NT, VM, VIF, VIP are refused.
constexpr uint64_t kFixFlags =
    0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | (1ull << 16) | (1ull << 18);
constexpr uint64_t kRefusedFlags =
    (3ull << 12) | (1ull << 14) | (1ull << 17) | (1ull << 19) | (1ull << 20);

[[noreturn]] void bad_frame(task::Task& t, const x86::TrapFrame& f, const char* what,
                            uint64_t value) {
    static FixedText<128> m;
    m.clear();
    m.str("rt_sigreturn: ").str(what).str(" ").hex(value).ch('\0');
    domain::Kill k{};
    k.signal = kSigSegv;
    k.vector = 0xFFFFFFFF;
    k.rip = f.rip;
    k.message = m.data();
    domain::kill(*t.dom, k);
}

bool user_address(uint64_t va) {
    return x86::is_canonical(va) && va < mm::kUserEnd;
}

// The FPU image at fp into t's area, checked for restore().  fp 0: a clean state, as Linux.
bool load_fpstate(task::Task& t, uint64_t fp) {
    if (fp == 0) {
        x86::fpu::init_area(t.fpu);
        return true;
    }
    uint64_t size = x86::fpu::area_size();
    auto* area = static_cast<uint8_t*>(t.fpu);
    if (mm::copy_from_user(area, fp, 512) != 0) return false;
    bool extended = false;
    if (x86::fpu::xfeatures() != 0 && size > 512) {
        FpxSwBytes sw;
        __builtin_memcpy(&sw, area + kFpxSwOffset, sizeof sw);
        uint32_t magic2 = 0;
        if (sw.magic1 == kFpXstateMagic1 && sw.xstate_size == size &&
            sw.extended_size == size + 4 && mm::copy_from_user(&magic2, fp + size, 4) == 0 &&
            magic2 == kFpXstateMagic2) {
            if (mm::copy_from_user(area + 512, fp + 512, size - 512) != 0) return false;
            extended = true;
        }
    }
    return x86::fpu::sanitize(area, extended);
}

}  // namespace

uint64_t sigreturn(task::Task& t, x86::TrapFrame& f) {
    ThreadSignals& ts = thread_of(t);
    uint64_t frame = f.rsp - 8;  // the handler's RET popped pretcode
    Ucontext uc;
    if (mm::copy_from_user(&uc, frame + offsetof(RtSigframe, uc), sizeof uc) != 0)
        bad_frame(t, f, "frame is not readable at", frame);
    const Sigcontext& sc = uc.mcontext;
    if (sc.cs != x86::kUserCs) bad_frame(t, f, "frame's CS is not the user code segment:", sc.cs);
    if (sc.ss != x86::kUserDs) bad_frame(t, f, "frame's SS is not the user data segment:", sc.ss);
    if (sc.eflags & kRefusedFlags)
        bad_frame(t, f, "frame's RFLAGS set IOPL, NT, VM, VIF or VIP:", sc.eflags);
    if (!user_address(sc.rip)) bad_frame(t, f, "frame's rip is not a user address:", sc.rip);
    if (!x86::is_canonical(sc.rsp)) bad_frame(t, f, "frame's rsp is not canonical:", sc.rsp);
    if (!load_fpstate(t, sc.fpstate))
        bad_frame(t, f, "frame's FPU state is unreadable or invalid at", sc.fpstate);
    x86::fpu::restore(t.fpu);

    f.r8 = sc.r8, f.r9 = sc.r9, f.r10 = sc.r10, f.r11 = sc.r11;
    f.r12 = sc.r12, f.r13 = sc.r13, f.r14 = sc.r14, f.r15 = sc.r15;
    f.rdi = sc.rdi, f.rsi = sc.rsi, f.rbp = sc.rbp, f.rbx = sc.rbx;
    f.rdx = sc.rdx, f.rcx = sc.rcx, f.rsp = sc.rsp, f.rip = sc.rip;
    f.rflags = x86::kRflagsIf | 0x2 | (sc.eflags & kFixFlags);
    f.cs = x86::kUserCs;
    f.ss = x86::kUserDs;
    ts.blocked = uc.sigmask & ~kUnblockable;
    ts.restart.armed = false;  // a restart block from before the handler is stale now

    // uc_stack: errors other than an unreadable frame are ignored, as Linux's restore_altstack.
    bool on = on_altstack(ts, f.rsp);
    if (!on) {
        if (uc.stack.flags & kSsDisable) {
            ts.alt_sp = ts.alt_size = 0;
            ts.alt_flags = 0;
        } else if (uc.stack.size >= kMinSigstksz && user_address(uc.stack.sp)) {
            ts.alt_sp = uc.stack.sp;
            ts.alt_size = uc.stack.size;
            ts.alt_flags = uint32_t(uc.stack.flags) & kSsAutodisarm;
        }
    }
    return sc.rax;
}

}  // namespace uk::signal
