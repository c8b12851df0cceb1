// The Linux x86-64 signal frame as a handler sees it (arch/x86/include/uapi/asm/sigcontext.h,
// ucontext.h; the kernel's struct rt_sigframe): the return address (sa_restorer), the ucontext
// whose uc_mcontext holds the interrupted registers in Linux's gregs order, then the siginfo.
// The FPU image (FXSAVE layout, XSAVE above it) lies above the frame, 64-byte aligned, and
// uc_mcontext.fpstate points to it.  glibc, musl and Go read these offsets.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "signal/state.hpp"

namespace uk::signal {

struct Sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;  // user address of the FPU image, 0 for none
    uint64_t reserved1[8];
};
static_assert(sizeof(Sigcontext) == 256);

struct StackT {  // stack_t
    uint64_t sp;
    int32_t flags;
    int32_t pad;
    uint64_t size;
};
static_assert(sizeof(StackT) == 24);

struct Ucontext {
    uint64_t flags;
    uint64_t link;
    StackT stack;
    Sigcontext mcontext;
    uint64_t sigmask;  // the kernel's 64-bit sigset (glibc's larger sigset_t starts with it)
};
static_assert(sizeof(Ucontext) == 304);

struct Siginfo {
    int32_t signo, errno_, code, pad;
    union {
        struct {
            uint32_t pid, uid;
            int32_t status;  // SIGCHLD
            int32_t pad2;
            uint64_t utime, stime;
        } kill;
        struct {
            uint32_t pid, uid;
            uint64_t value;  // sigqueue, timers
        } rt;
        struct {
            uint64_t addr;
            uint16_t addr_lsb;
            uint8_t pad3[6];
            uint32_t pkey;  // SEGV_PKUERR
        } fault;
        uint8_t bytes[112];
    } u;
};
static_assert(sizeof(Siginfo) == 128);

struct RtSigframe {
    uint64_t pretcode;
    Ucontext uc;
    Siginfo info;
};
static_assert(sizeof(RtSigframe) == 440);
static_assert(offsetof(RtSigframe, uc) + offsetof(Ucontext, mcontext) == 48);

// uc_flags.
constexpr uint64_t kUcFpXstate = 1, kUcSigcontextSs = 2, kUcStrictRestoreSs = 4;

// The software-reserved bytes of the FXSAVE image (offset 464) that say an XSAVE image follows,
// and the magic after its end (struct _fpx_sw_bytes, FP_XSTATE_MAGIC1/2).
struct FpxSwBytes {
    uint32_t magic1;
    uint32_t extended_size;  // xstate_size + 4 (magic2)
    uint64_t xfeatures;
    uint32_t xstate_size;
    uint32_t padding[7];
};
static_assert(sizeof(FpxSwBytes) == 48);
constexpr uint64_t kFpxSwOffset = 464;
constexpr uint32_t kFpXstateMagic1 = 0x46505853;
constexpr uint32_t kFpXstateMagic2 = 0x46505845;

// The siginfo of a pending signal (deliver.cpp; rt_sigtimedwait copies it out too).
void to_siginfo(Siginfo& si, uint32_t sig, const Info& info);

}  // namespace uk::signal
