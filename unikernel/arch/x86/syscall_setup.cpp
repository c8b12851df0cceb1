#include "arch/x86/syscall_setup.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/gdt.hpp"

extern "C" void uk_syscall_entry();

namespace uk::x86 {

void init_syscall(uint64_t kernel_stack_top) {
    uk_syscall_kernel_rsp = kernel_stack_top;
    wrmsr(kMsrStar, (uint64_t(kStarSysretBase) << 48) | (uint64_t(kKernelCs) << 32));
    wrmsr(kMsrLstar, reinterpret_cast<uint64_t>(&uk_syscall_entry));
    // Enter the kernel with interrupts off, DF clear (ABI), no single-step and AC clear so SMAP
    // protects the kernel from the first instruction.  NT too, as Linux does.
    wrmsr(kMsrSfmask, kRflagsIf | kRflagsDf | kRflagsTf | kRflagsAc | (1ull << 14));
    wrmsr(kMsrEfer, rdmsr(kMsrEfer) | kEferSce);
}

}  // namespace uk::x86
