/* Checks that the library OS forces PKRU back to the domain's rights on every syscall entry
 * (docs/mpk.md "The gate").  Needs a CPU with protection keys (on one without, WRPKRU is #UD and
 * the app dies with SIGILL).  Runs in a page-table domain (it carries a WRPKRU, so it could never
 * get an MPK domain): all its pages carry key 0.
 *
 * In one asm block, touching no memory: WRPKRU 0xFFFFFFFF (every key denied, its own key 0 too),
 * a getppid syscall, RDPKRU.  If the kernel forced PKRU at entry, PKRU is again "key 0 only"
 * (0xfffffffc) and the printf below works; if not, the first memory access dies with a
 * protection-key fault on its own memory.  Prints "pkru-reset: after syscall 0x..." and exits 0
 * when the value is 0xfffffffc. */
#include <stdint.h>
#include <stdio.h>

int main(void) {
    uint32_t after;
    __asm__ volatile(
        "mov $0xffffffff, %%eax\n\t"
        "xor %%ecx, %%ecx\n\t"
        "xor %%edx, %%edx\n\t"
        "wrpkru\n\t"
        "mov $110, %%eax\n\t" /* getppid */
        "syscall\n\t"
        "xor %%ecx, %%ecx\n\t"
        "rdpkru\n\t"
        : "=a"(after)
        :
        : "rcx", "rdx", "r11", "memory");
    printf("pkru-reset: after syscall %#x\n", after);
    return after == 0xfffffffcu ? 0 : 1;
}
