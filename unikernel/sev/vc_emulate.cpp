// #VC event preparation and completion; see the header.  Register semantics of IN, CPUID and
// RDMSR from APM vol 3; the GHCB fields from GHCB spec 56421 (layout table, §4.1 NAE events).
#include "sev/vc_emulate.hpp"

#include "sev/ghcb.hpp"

namespace uk::sev {
namespace {

constexpr uint64_t size_mask(uint8_t bytes) {
    return bytes == 1 ? 0xFF : bytes == 2 ? 0xFFFF : 0xFFFFFFFF;
}

// The result of IN into RAX: an 8- or 16-bit write keeps the rest of RAX, a 32-bit write clears
// bits 63:32 (APM vol 1 §3.1.2.3, "Implicit Zero-Extensions").
constexpr uint64_t merge_in(uint64_t rax, uint64_t value, uint8_t bytes) {
    uint64_t m = size_mask(bytes);
    return bytes == 4 ? value & m : (rax & ~m) | (value & m);
}

}  // namespace

void vc_prepare(const VcInsn& insn, const VcRegs& regs, uint64_t xcr0, uint8_t* page) {
    ghcb::reset(page);
    switch (insn.kind) {
        case VcKind::kIn:
        case VcKind::kOut: {
            uint16_t port = insn.io_port_dx ? static_cast<uint16_t>(regs.rdx) : insn.io_imm8;
            if (insn.kind == VcKind::kOut)
                ghcb::set(page, ghcb::kRax, regs.rax & size_mask(insn.io_size));
            ghcb::set_exit(page, ghcb::kExitIoio, ioio_exit_info1(insn, port), 0);
            break;
        }
        case VcKind::kCpuid:
            ghcb::set(page, ghcb::kRax, regs.rax & 0xFFFFFFFF);
            ghcb::set(page, ghcb::kRcx, regs.rcx & 0xFFFFFFFF);
            ghcb::set(page, ghcb::kXcr0, xcr0);
            ghcb::set_exit(page, ghcb::kExitCpuid, 0, 0);
            break;
        case VcKind::kRdmsr:
        case VcKind::kWrmsr: {
            bool write = insn.kind == VcKind::kWrmsr;
            ghcb::set(page, ghcb::kRcx, regs.rcx & 0xFFFFFFFF);
            if (write) {
                ghcb::set(page, ghcb::kRax, regs.rax & 0xFFFFFFFF);
                ghcb::set(page, ghcb::kRdx, regs.rdx & 0xFFFFFFFF);
            }
            ghcb::set_exit(page, ghcb::kExitMsr, write ? 1 : 0, 0);
            break;
        }
    }
}

const char* vc_complete(const VcInsn& insn, const uint8_t* page, VcRegs* regs) {
    if (!ghcb::event_succeeded(page)) return "the hypervisor reported an error for the #VC event";
    VcRegs r = *regs;
    switch (insn.kind) {
        case VcKind::kIn:
            if (!ghcb::is_valid(page, ghcb::kRax)) return "IN: the hypervisor returned no RAX";
            r.rax = merge_in(r.rax, ghcb::get(page, ghcb::kRax), insn.io_size);
            break;
        case VcKind::kOut:
        case VcKind::kWrmsr:
            break;
        case VcKind::kCpuid:
            if (!ghcb::is_valid(page, ghcb::kRax) || !ghcb::is_valid(page, ghcb::kRbx) ||
                !ghcb::is_valid(page, ghcb::kRcx) || !ghcb::is_valid(page, ghcb::kRdx))
                return "CPUID: the hypervisor did not return all of RAX, RBX, RCX, RDX";
            r.rax = ghcb::get(page, ghcb::kRax) & 0xFFFFFFFF;
            r.rbx = ghcb::get(page, ghcb::kRbx) & 0xFFFFFFFF;
            r.rcx = ghcb::get(page, ghcb::kRcx) & 0xFFFFFFFF;
            r.rdx = ghcb::get(page, ghcb::kRdx) & 0xFFFFFFFF;
            break;
        case VcKind::kRdmsr:
            if (!ghcb::is_valid(page, ghcb::kRax) || !ghcb::is_valid(page, ghcb::kRdx))
                return "RDMSR: the hypervisor did not return RAX and RDX";
            r.rax = ghcb::get(page, ghcb::kRax) & 0xFFFFFFFF;
            r.rdx = ghcb::get(page, ghcb::kRdx) & 0xFFFFFFFF;
            break;
    }
    r.rip += insn.length;
    *regs = r;
    return nullptr;
}

}  // namespace uk::sev
