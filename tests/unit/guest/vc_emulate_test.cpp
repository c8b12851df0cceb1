// The #VC handler's logic around VMGEXIT (unikernel/sev/vc_emulate.cpp), against a fake
// hypervisor that reads only the fields marked valid: which registers the guest exposes for each
// instruction (and nothing more), how the answer is merged into the registers, RIP advanced by the
// instruction length, and refusals (error reported, a result register not marked valid) that
// leave the registers untouched.
#include "sev/vc_emulate.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

#include "sev/ghcb.hpp"

namespace {

using namespace uk::sev;
namespace g = uk::sev::ghcb;

VcInsn decode(std::vector<uint8_t> bytes) {
    VcInsn insn{};
    EXPECT_EQ(vc_decode(bytes.data(), bytes.size(), &insn), nullptr);
    return insn;
}

// The valid-bitmap bits set in the page.
std::set<unsigned> valid_bits(const std::vector<uint8_t>& page) {
    std::set<unsigned> bits;
    for (unsigned b = 0; b < 128; ++b)
        if ((page[g::kValidBitmapOffset + b / 8] >> (b % 8)) & 1) bits.insert(b);
    return bits;
}

std::set<unsigned> bits_of(std::initializer_list<g::Field> fields) {
    std::set<unsigned> bits;
    for (g::Field f : fields) bits.insert(g::valid_bit(f));
    return bits;
}

// The hypervisor's side of the exchange: it answers by writing registers (marking them valid)
// after clearing the bitmap, as KVM does for the fields it returns.
using Answer = std::vector<std::pair<g::Field, uint64_t>>;

void hv_answer(std::vector<uint8_t>& page, const Answer& out, uint64_t exit_info1 = 0) {
    std::memset(page.data() + g::kValidBitmapOffset, 0, g::kValidBitmapSize);
    for (auto [f, v] : out) g::set(page.data(), f, v);
    g::set(page.data(), g::kSwExitInfo1, exit_info1);
}

constexpr VcRegs kRegs{0x1111111122223344, 0x5555555566666666, 0x77777777C0000080,
                       0x99999999000003F8, 0xFFFFFFFF80100000};

TEST(VcEmulate, OutExposesOnlyTheOperandBytes) {
    struct {
        std::vector<uint8_t> bytes;
        uint64_t rax_seen, exitinfo1;
    } const cases[] = {
        {{0xEE}, 0x44, 0x03F80210},          // OUT DX, AL
        {{0x66, 0xEF}, 0x3344, 0x03F80220},  // OUT DX, AX
        {{0xEF}, 0x22223344, 0x03F80240},    // OUT DX, EAX
        {{0xE6, 0x80}, 0x44, 0x00800210},    // OUT 0x80, AL
    };
    for (const auto& c : cases) {
        VcInsn insn = decode(c.bytes);
        std::vector<uint8_t> page(4096, 0xEE);
        vc_prepare(insn, kRegs, 1, page.data());
        EXPECT_EQ(valid_bits(page),
                  bits_of({g::kRax, g::kSwExitCode, g::kSwExitInfo1, g::kSwExitInfo2}));
        EXPECT_EQ(g::get(page.data(), g::kRax), c.rax_seen);
        EXPECT_EQ(g::get(page.data(), g::kSwExitCode), 0x7Bu);
        EXPECT_EQ(g::get(page.data(), g::kSwExitInfo1), c.exitinfo1);
        EXPECT_EQ(g::get(page.data(), g::kSwExitInfo2), 0u);
        // RBX, RCX, RDX are not in the page at all.
        EXPECT_EQ(g::get(page.data(), g::kRbx), 0u);
        EXPECT_EQ(g::get(page.data(), g::kRdx), 0u);
        hv_answer(page, {});
        VcRegs r = kRegs;
        ASSERT_EQ(vc_complete(insn, page.data(), &r), nullptr);
        EXPECT_EQ(r.rax, kRegs.rax);
        EXPECT_EQ(r.rip, kRegs.rip + c.bytes.size());
    }
}

TEST(VcEmulate, InMergesLikeTheInstruction) {
    struct {
        std::vector<uint8_t> bytes;
        uint64_t rax_after;
    } const cases[] = {
        {{0xEC}, 0x11111111222233AB},        // AL: the rest of RAX kept
        {{0x66, 0xED}, 0x111111112222CDAB},  // AX
        {{0xED}, 0x0000000089EFCDAB},        // EAX: zero-extended
        {{0xE4, 0x71}, 0x11111111222233AB},
    };
    for (const auto& c : cases) {
        VcInsn insn = decode(c.bytes);
        std::vector<uint8_t> page(4096, 0);
        vc_prepare(insn, kRegs, 1, page.data());
        EXPECT_EQ(valid_bits(page), bits_of({g::kSwExitCode, g::kSwExitInfo1, g::kSwExitInfo2}))
            << "IN passes no register";
        hv_answer(page, {{g::kRax, 0xFFFFFFFF89EFCDAB}});
        VcRegs r = kRegs;
        ASSERT_EQ(vc_complete(insn, page.data(), &r), nullptr);
        EXPECT_EQ(r.rax, c.rax_after);
        EXPECT_EQ(r.rbx, kRegs.rbx);
        EXPECT_EQ(r.rdx, kRegs.rdx);
        EXPECT_EQ(r.rip, kRegs.rip + c.bytes.size());
    }
}

TEST(VcEmulate, Cpuid) {
    VcInsn insn = decode({0x0F, 0xA2});
    VcRegs regs = kRegs;
    regs.rax = 0xDEAD00000000000D;  // leaf 0xD (upper bits are not part of the input)
    regs.rcx = 0xBEEF000000000001;
    std::vector<uint8_t> page(4096, 0);
    vc_prepare(insn, regs, 0x7, page.data());
    EXPECT_EQ(valid_bits(page), bits_of({g::kRax, g::kRcx, g::kXcr0, g::kSwExitCode,
                                         g::kSwExitInfo1, g::kSwExitInfo2}));
    EXPECT_EQ(g::get(page.data(), g::kRax), 0xDu);
    EXPECT_EQ(g::get(page.data(), g::kRcx), 1u);
    EXPECT_EQ(g::get(page.data(), g::kXcr0), 7u);
    EXPECT_EQ(g::get(page.data(), g::kSwExitCode), 0x72u);
    hv_answer(page,
              {{g::kRax, 0xFFFFFFFF00000340}, {g::kRbx, 0x340}, {g::kRcx, 0x988}, {g::kRdx, 0}});
    VcRegs r = regs;
    ASSERT_EQ(vc_complete(insn, page.data(), &r), nullptr);
    EXPECT_EQ(r.rax, 0x340u);
    EXPECT_EQ(r.rbx, 0x340u);
    EXPECT_EQ(r.rcx, 0x988u);
    EXPECT_EQ(r.rdx, 0u);
    EXPECT_EQ(r.rip, regs.rip + 2);
}

TEST(VcEmulate, RdmsrAndWrmsr) {
    VcInsn rd = decode({0x0F, 0x32});
    std::vector<uint8_t> page(4096, 0);
    vc_prepare(rd, kRegs, 1, page.data());
    EXPECT_EQ(valid_bits(page),
              bits_of({g::kRcx, g::kSwExitCode, g::kSwExitInfo1, g::kSwExitInfo2}));
    EXPECT_EQ(g::get(page.data(), g::kRcx), 0xC0000080u);
    EXPECT_EQ(g::get(page.data(), g::kSwExitCode), 0x7Cu);
    EXPECT_EQ(g::get(page.data(), g::kSwExitInfo1), 0u);
    hv_answer(page, {{g::kRax, 0xAAAAAAAA00000D01}, {g::kRdx, 0x1}});
    VcRegs r = kRegs;
    ASSERT_EQ(vc_complete(rd, page.data(), &r), nullptr);
    EXPECT_EQ(r.rax, 0xD01u);
    EXPECT_EQ(r.rdx, 0x1u);
    EXPECT_EQ(r.rcx, kRegs.rcx);

    VcInsn wr = decode({0x0F, 0x30});
    vc_prepare(wr, kRegs, 1, page.data());
    EXPECT_EQ(valid_bits(page), bits_of({g::kRax, g::kRcx, g::kRdx, g::kSwExitCode, g::kSwExitInfo1,
                                         g::kSwExitInfo2}));
    EXPECT_EQ(g::get(page.data(), g::kRax), 0x22223344u);
    EXPECT_EQ(g::get(page.data(), g::kRdx), 0x3F8u);
    EXPECT_EQ(g::get(page.data(), g::kSwExitInfo1), 1u);
    hv_answer(page, {});
    r = kRegs;
    ASSERT_EQ(vc_complete(wr, page.data(), &r), nullptr);
    EXPECT_EQ(r.rax, kRegs.rax);
    EXPECT_EQ(r.rip, kRegs.rip + 2);
}

// A page left from an earlier event carries nothing into the next one.
TEST(VcEmulate, PrepareClearsTheLastEvent) {
    std::vector<uint8_t> page(4096, 0);
    vc_prepare(decode({0x0F, 0x30}), kRegs, 1, page.data());
    hv_answer(page, {{g::kRbx, 5}});
    vc_prepare(decode({0xEC}), kRegs, 1, page.data());
    EXPECT_EQ(g::get(page.data(), g::kRax), 0u);
    EXPECT_EQ(g::get(page.data(), g::kRbx), 0u);
    EXPECT_EQ(g::get(page.data(), g::kRdx), 0u);
    EXPECT_EQ(valid_bits(page), bits_of({g::kSwExitCode, g::kSwExitInfo1, g::kSwExitInfo2}));
}

TEST(VcEmulate, RefusalsLeaveRegistersAlone) {
    struct {
        std::vector<uint8_t> bytes;
        Answer answer;
        uint64_t exit_info1;
    } const cases[] = {
        {{0xEC}, {}, 0},                                                // IN without RAX
        {{0x0F, 0xA2}, {{g::kRax, 1}, {g::kRbx, 2}, {g::kRcx, 3}}, 0},  // CPUID without RDX
        {{0x0F, 0x32}, {{g::kRax, 1}}, 0},                              // RDMSR without RDX
        {{0x0F, 0x32}, {{g::kRax, 1}, {g::kRdx, 2}}, 1},                // error: inject exception
        {{0xEE}, {}, 2},                                                // error: malformed request
    };
    for (const auto& c : cases) {
        VcInsn insn = decode(c.bytes);
        std::vector<uint8_t> page(4096, 0);
        vc_prepare(insn, kRegs, 1, page.data());
        hv_answer(page, c.answer, c.exit_info1);
        VcRegs r = kRegs;
        EXPECT_NE(vc_complete(insn, page.data(), &r), nullptr);
        EXPECT_EQ(std::memcmp(&r, &kRegs, sizeof r), 0);
    }
}

}  // namespace
