// The register image saved on the kernel stack by exception_stubs.S (traps) and
// syscall_entry.S (syscalls), lowest address first.  Both paths share it so a future scheduler
// can resume any domain the same way.  The push/pop order of r15..rax lives once, in
// frame_macros.inc; keep it in step with the fields below.
#pragma once

#include <stdint.h>

namespace uk::x86 {

struct TrapFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;      // exception vector; kSyscallVector for SYSCALL
    uint64_t error_code;  // CPU error code or 0
    // Hardware interrupt frame (built by hand on the SYSCALL path).
    uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(TrapFrame) == 22 * 8);

constexpr uint64_t kSyscallVector = 0x100;

}  // namespace uk::x86

extern "C" {
// Restores a TrapFrame on the current stack and irets to it (exception_stubs.S).
[[noreturn]] void uk_enter_frame(const uk::x86::TrapFrame* frame);
}
