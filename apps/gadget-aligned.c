// A real WRPKRU instruction (0F 01 EF) at an instruction boundary, in a function that is never
// called: the app runs fine on Linux, and enclave-run check (docs/mpk.md) must flag it.
#include <stdio.h>

// noinline + used: the function, and so the instruction, stays in .text although nothing calls it.
__attribute__((noinline, used)) void er_gadget_wrpkru(void) {
    // WRPKRU, spelled as bytes so no assembler PKU support is needed.
    // er_gadget_site marks the instruction for tests/unit/mpk (the expected finding's address).
    __asm__ volatile(
        ".globl er_gadget_site\n"
        "er_gadget_site:\n\t"
        ".byte 0x0f, 0x01, 0xef"
        :
        :
        : "memory");
}

int main(void) {
    puts("gadget-aligned: the WRPKRU is never executed");
    return 0;
}
