// Which exceptions get an IST stack (unikernel/arch/x86/ist.hpp): #DB, NMI, #DF and #MC each
// their own, so none can land on an untrusted stack (the app's RSP at the SYSCALL entry) and no
// nesting of two overwrites the other's frame.  The kernel checks the live IDT and TSS against
// the same table at boot (arch/x86/ist_check.cpp).
#include "arch/x86/ist.hpp"

#include <gtest/gtest.h>

#include <set>

namespace {

using uk::x86::ist_for_vector;

TEST(Ist, DebugNmiDoubleFaultMachineCheckEachHaveTheirOwnStack) {
    std::set<uint8_t> slots;
    for (unsigned v : {1u, 2u, 8u, 18u}) {
        uint8_t ist = ist_for_vector(v);
        EXPECT_GE(ist, 1) << "vector " << v;
        EXPECT_LE(ist, uk::x86::kIstStacks) << "vector " << v;
        slots.insert(ist);
    }
    EXPECT_EQ(slots.size(), 4u) << "two of #DB, NMI, #DF, #MC share an IST stack";
    EXPECT_LE(uk::x86::kIstStacks, 7u);  // the TSS has seven IST slots
}

TEST(Ist, EveryOtherVectorUsesTheNormalStack) {
    // Page faults, #GP, the timer and int3 must not use IST: a nested fault there would reuse
    // the stack under a live frame, and traps from CPL3 land on the domain's kernel stack.
    for (unsigned v = 0; v < 256; v++) {
        if (v == 1 || v == 2 || v == 8 || v == 18) continue;
        EXPECT_EQ(ist_for_vector(v), 0) << "vector " << v;
    }
}

}  // namespace
