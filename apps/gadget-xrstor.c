// An XRSTOR with a memory operand (0F AE /5, here 0F AE 2F: xrstor (%rdi)) in a function that is
// never called: XRSTOR with EAX bit 9 set loads PKRU from memory the app controls, so it is as
// good as a WRPKRU.  enclave-run check must flag it; the app runs fine on Linux.
#include <stdio.h>

__attribute__((noinline, used)) void er_gadget_xrstor(void* area) {
    // xrstor (%rdi), spelled as bytes (REX-less, so the 32-bit XRSTOR form).
    // er_gadget_site marks the instruction for tests/unit/mpk.
    __asm__ volatile(".globl er_gadget_site\ner_gadget_site:\n\t.byte 0x0f, 0xae, 0x2f"
                     :
                     : "D"(area), "a"(~0u), "d"(~0u)
                     : "memory");
}

int main(void) {
    puts("gadget-xrstor: the XRSTOR is never executed");
    return 0;
}
