// The bytes 0F 01 EF only inside the immediate of another instruction, never at an instruction
// boundary: `movl $0xef010f90, %eax` is B8 90 0F 01 EF, so a jump to its third byte executes
// WRPKRU.  enclave-run check must flag it; a scanner that only decodes from instruction
// boundaries would not.  The function is never called; the app runs fine on Linux.
#include <stdio.h>

__attribute__((noinline, used)) unsigned er_gadget_unaligned(void) {
    unsigned r;
    // er_gadget_site marks the mov for tests/unit/mpk: the 0F is 2 bytes after it.
    __asm__ volatile(".globl er_gadget_site\ner_gadget_site:\n\tmovl $0xef010f90, %0" : "=a"(r));
    return r;
}

int main(void) {
    puts("gadget-unaligned: the hidden WRPKRU is never executed");
    return 0;
}
