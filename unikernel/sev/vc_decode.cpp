// #VC instruction decoding; opcodes from APM vol 3 (general-purpose instruction reference:
// IN, OUT, INS, OUTS, CPUID, RDMSR, WRMSR) and the legacy prefixes of APM vol 3 §1.2.
#include "sev/vc_decode.hpp"

#include "sev/ghcb.hpp"

namespace uk::sev {
namespace {

// APM vol 2 §15.10.2: the IOIO intercept's EXITINFO1 bits.
constexpr uint64_t kIoioTypeIn = 1u << 0;
constexpr uint64_t kIoioSz8 = 1u << 4;
constexpr uint64_t kIoioSz16 = 1u << 5;
constexpr uint64_t kIoioSz32 = 1u << 6;
constexpr uint64_t kIoioA32 = 1u << 8;
constexpr uint64_t kIoioA64 = 1u << 9;
constexpr unsigned kIoioPortShift = 16;

bool is_unhandled_prefix(uint8_t b) {
    switch (b) {
        case 0x26:  // ES, CS, SS, DS, FS, GS segment overrides
        case 0x2E:
        case 0x36:
        case 0x3E:
        case 0x64:
        case 0x65:
        case 0xF0:  // LOCK
            return true;
        default:
            return b >= 0x40 && b <= 0x4F;  // REX (64-bit mode)
    }
}

}  // namespace

const char* vc_decode(const uint8_t* bytes, size_t available, VcInsn* out) {
    if (available > kMaxInsnLength) available = kMaxInsnLength;
    size_t i = 0;
    bool opsize16 = false, addr32 = false;
    for (;; ++i) {
        if (i >= available) return "instruction truncated";
        uint8_t b = bytes[i];
        if (b == 0x66) {
            if (opsize16) return "repeated operand-size prefix";
            opsize16 = true;
        } else if (b == 0x67) {
            if (addr32) return "repeated address-size prefix";
            addr32 = true;
        } else if (b == 0xF2 || b == 0xF3) {
            return "REP prefix (string I/O is not handled)";
        } else if (is_unhandled_prefix(b)) {
            return "unsupported prefix (segment, LOCK or REX)";
        } else {
            break;
        }
    }

    VcInsn insn{};
    insn.io_addr32 = addr32;
    uint8_t op = bytes[i++];
    switch (op) {
        case 0x0F: {
            if (i >= available) return "instruction truncated";
            if (opsize16 || addr32) return "prefix on CPUID/RDMSR/WRMSR";
            uint8_t op2 = bytes[i++];
            if (op2 == 0xA2)
                insn.kind = VcKind::kCpuid;
            else if (op2 == 0x32)
                insn.kind = VcKind::kRdmsr;
            else if (op2 == 0x30)
                insn.kind = VcKind::kWrmsr;
            else
                return "unhandled 0F opcode";
            break;
        }
        case 0xE4:  // IN AL, imm8      E5: IN eAX, imm8
        case 0xE5:
        case 0xE6:  // OUT imm8, AL     E7: OUT imm8, eAX
        case 0xE7:
            if (i >= available) return "instruction truncated";
            insn.io_imm8 = bytes[i++];
            insn.io_port_dx = false;
            insn.kind = op <= 0xE5 ? VcKind::kIn : VcKind::kOut;
            insn.io_size = (op & 1) == 0 ? 1 : opsize16 ? 2 : 4;
            break;
        case 0xEC:  // IN AL, DX        ED: IN eAX, DX
        case 0xED:
        case 0xEE:  // OUT DX, AL       EF: OUT DX, eAX
        case 0xEF:
            insn.io_port_dx = true;
            insn.kind = op <= 0xED ? VcKind::kIn : VcKind::kOut;
            insn.io_size = (op & 1) == 0 ? 1 : opsize16 ? 2 : 4;
            break;
        case 0x6C:  // INSB/INSW/INSD, OUTSB/OUTSW/OUTSD
        case 0x6D:
        case 0x6E:
        case 0x6F:
            return "string I/O (INS/OUTS) is not handled";
        default:
            return "unhandled opcode";
    }
    if (insn.kind != VcKind::kIn && insn.kind != VcKind::kOut) insn.io_addr32 = false;
    insn.length = static_cast<uint8_t>(i);
    *out = insn;
    return nullptr;
}

bool matches_exit_code(const VcInsn& insn, uint64_t exit_code) {
    switch (insn.kind) {
        case VcKind::kIn:
        case VcKind::kOut:
            return exit_code == ghcb::kExitIoio;
        case VcKind::kCpuid:
            return exit_code == ghcb::kExitCpuid;
        case VcKind::kRdmsr:
        case VcKind::kWrmsr:
            return exit_code == ghcb::kExitMsr;
    }
    return false;
}

uint64_t ioio_exit_info1(const VcInsn& insn, uint16_t port) {
    uint64_t info = uint64_t{port} << kIoioPortShift;
    if (insn.kind == VcKind::kIn) info |= kIoioTypeIn;
    info |= insn.io_size == 1 ? kIoioSz8 : insn.io_size == 2 ? kIoioSz16 : kIoioSz32;
    info |= insn.io_addr32 ? kIoioA32 : kIoioA64;
    return info;
}

}  // namespace uk::sev
