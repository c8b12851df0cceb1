// #VC instruction decoding (unikernel/sev/vc_decode.cpp): every encoding the guest handles, with
// its length, operand size and IOIO EXITINFO1 (APM vol 2 §15.10.2) written out as literal numbers,
// and the refusals (string I/O, REP, other prefixes, unknown opcodes, truncated bytes).
#include "sev/vc_decode.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sev/ghcb.hpp"

namespace {

using uk::sev::VcInsn;
using uk::sev::VcKind;

struct Good {
    std::vector<uint8_t> bytes;
    VcKind kind;
    uint8_t length;
    uint8_t io_size;  // 0 for non-I/O
    bool port_dx;
    uint64_t exitinfo1;  // for port 0x80 (imm8 forms) or DX = 0x3F8; 0 for non-I/O
};

const Good kGood[] = {
    // IN imm8: TYPE=1, SZ8 bit 4 / SZ16 bit 5 / SZ32 bit 6, A64 bit 9, port in 31:16.
    {{0xE4, 0x80}, VcKind::kIn, 2, 1, false, 0x00800211},
    {{0x66, 0xE5, 0x80}, VcKind::kIn, 3, 2, false, 0x00800221},
    {{0xE5, 0x80}, VcKind::kIn, 2, 4, false, 0x00800241},
    // OUT imm8: TYPE=0.
    {{0xE6, 0x80}, VcKind::kOut, 2, 1, false, 0x00800210},
    {{0x66, 0xE7, 0x80}, VcKind::kOut, 3, 2, false, 0x00800220},
    {{0xE7, 0x80}, VcKind::kOut, 2, 4, false, 0x00800240},
    // DX forms.
    {{0xEC}, VcKind::kIn, 1, 1, true, 0x03F80211},
    {{0x66, 0xED}, VcKind::kIn, 2, 2, true, 0x03F80221},
    {{0xED}, VcKind::kIn, 1, 4, true, 0x03F80241},
    {{0xEE}, VcKind::kOut, 1, 1, true, 0x03F80210},
    {{0x66, 0xEF}, VcKind::kOut, 2, 2, true, 0x03F80220},
    {{0xEF}, VcKind::kOut, 1, 4, true, 0x03F80240},
    // 0x67: 32-bit address size, A32 bit 8 instead of A64; 0x66 on a byte form changes nothing.
    {{0x67, 0xEC}, VcKind::kIn, 2, 1, true, 0x03F80111},
    {{0x66, 0x67, 0xED}, VcKind::kIn, 3, 2, true, 0x03F80121},
    {{0x66, 0xEE}, VcKind::kOut, 2, 1, true, 0x03F80210},
    // Two-byte opcodes.
    {{0x0F, 0xA2}, VcKind::kCpuid, 2, 0, false, 0},
    {{0x0F, 0x32}, VcKind::kRdmsr, 2, 0, false, 0},
    {{0x0F, 0x30}, VcKind::kWrmsr, 2, 0, false, 0},
};

std::string hex(const std::vector<uint8_t>& b) {
    std::string s;
    char buf[4];
    for (uint8_t x : b) {
        snprintf(buf, sizeof buf, "%02x ", x);
        s += buf;
    }
    return s;
}

TEST(VcDecode, HandledEncodings) {
    for (const Good& g : kGood) {
        // Trailing bytes of the next instruction must not matter.
        std::vector<uint8_t> bytes = g.bytes;
        bytes.insert(bytes.end(), {0x90, 0x0F, 0x0B});
        VcInsn insn{};
        const char* reason = uk::sev::vc_decode(bytes.data(), bytes.size(), &insn);
        ASSERT_EQ(reason, nullptr) << hex(g.bytes) << ": " << reason;
        EXPECT_EQ(insn.kind, g.kind) << hex(g.bytes);
        EXPECT_EQ(insn.length, g.length) << hex(g.bytes);
        // Exactly the instruction's bytes suffice.
        ASSERT_EQ(uk::sev::vc_decode(g.bytes.data(), g.bytes.size(), &insn), nullptr)
            << hex(g.bytes);
        if (g.io_size == 0) continue;
        EXPECT_EQ(insn.io_size, g.io_size) << hex(g.bytes);
        EXPECT_EQ(insn.io_port_dx, g.port_dx) << hex(g.bytes);
        if (!g.port_dx) {
            EXPECT_EQ(insn.io_imm8, 0x80) << hex(g.bytes);
        }
        uint16_t port = g.port_dx ? 0x3F8 : insn.io_imm8;
        EXPECT_EQ(uk::sev::ioio_exit_info1(insn, port), g.exitinfo1) << hex(g.bytes);
    }
}

TEST(VcDecode, ExitCodeMustMatchTheInstruction) {
    namespace ghcb = uk::sev::ghcb;
    const std::pair<std::vector<uint8_t>, uint64_t> cases[] = {
        {{0xEC}, ghcb::kExitIoio},        {{0xE6, 0x80}, ghcb::kExitIoio},
        {{0x0F, 0xA2}, ghcb::kExitCpuid}, {{0x0F, 0x32}, ghcb::kExitMsr},
        {{0x0F, 0x30}, ghcb::kExitMsr},
    };
    for (const auto& [bytes, code] : cases) {
        VcInsn insn{};
        ASSERT_EQ(uk::sev::vc_decode(bytes.data(), bytes.size(), &insn), nullptr);
        for (uint64_t other : {uint64_t{ghcb::kExitIoio}, uint64_t{ghcb::kExitCpuid},
                               uint64_t{ghcb::kExitMsr}, uint64_t{0x81}, uint64_t{0x7B00}})
            EXPECT_EQ(uk::sev::matches_exit_code(insn, other), other == code) << hex(bytes);
    }
}

TEST(VcDecode, RefusedWithReason) {
    const std::pair<std::vector<uint8_t>, const char*> cases[] = {
        {{0x6C}, "string I/O"},
        {{0x6D}, "string I/O"},
        {{0x6E}, "string I/O"},
        {{0x66, 0x6F}, "string I/O"},
        {{0xF3, 0x6C}, "REP"},
        {{0xF3, 0xEE}, "REP"},
        {{0xF2, 0xEC}, "REP"},
        {{0x2E, 0xEC}, "unsupported prefix"},
        {{0x64, 0x0F, 0xA2}, "unsupported prefix"},
        {{0xF0, 0x0F, 0x30}, "unsupported prefix"},
        {{0x48, 0xED}, "unsupported prefix"},
        {{0x66, 0x66, 0xED}, "repeated operand-size"},
        {{0x67, 0x67, 0xEC}, "repeated address-size"},
        {{0x66, 0x0F, 0xA2}, "prefix on CPUID"},
        {{0x0F, 0x01, 0xD9}, "unhandled 0F opcode"},  // VMMCALL
        {{0x0F, 0x0B}, "unhandled 0F opcode"},        // UD2
        {{0x90}, "unhandled opcode"},
        {{0xCD, 0x80}, "unhandled opcode"},
        {{}, "truncated"},
        {{0xE4}, "truncated"},
        {{0x66, 0xE7}, "truncated"},
        {{0x0F}, "truncated"},
        {{0x66}, "truncated"},
        {std::vector<uint8_t>(20, 0x66), "repeated operand-size"},
    };
    for (const auto& [bytes, want] : cases) {
        VcInsn insn{};
        const char* reason = uk::sev::vc_decode(bytes.data(), bytes.size(), &insn);
        ASSERT_NE(reason, nullptr) << hex(bytes);
        EXPECT_NE(std::string(reason).find(want), std::string::npos)
            << hex(bytes) << ": got \"" << reason << "\", want \"" << want << "\"";
    }
}

}  // namespace
