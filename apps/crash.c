/* Dies on purpose, in the way argv[1] names, so tests can check that a faulting app is killed
 * with the right reason (and that only it dies).  Prints nothing before crashing, except with
 * "print", which writes one line first to check that output is flushed before the kill.
 *
 *   (none)  write through a null pointer      SIGSEGV, write fault at 0
 *   read    read address 0x10                  SIGSEGV, read fault at 0x10
 *   kernel  read 0xffffffff80100000            SIGSEGV (kernel-half address)
 *   ud2     execute ud2                        SIGILL
 *   hlt     execute hlt (privileged at CPL3)   SIGSEGV (#GP)
 *   div     integer divide by zero             SIGFPE
 *   print   print "about to crash", then the null write
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Addresses and divisor come through volatile objects so the compiler cannot prove the fault and
 * replace it with a trap instruction of its own choosing. */
static volatile uintptr_t null_addr = 0;
static volatile uintptr_t low_addr = 0x10;
static volatile uintptr_t kernel_addr = 0xffffffff80100000ull;
static volatile int zero = 0;

static void null_write(void) {
    *(volatile int*)null_addr = 42;
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "") == 0) {
        null_write();
    } else if (strcmp(mode, "read") == 0) {
        (void)*(volatile int*)low_addr;
    } else if (strcmp(mode, "kernel") == 0) {
        (void)*(volatile int*)kernel_addr;
    } else if (strcmp(mode, "ud2") == 0) {
        __asm__ volatile("ud2");
    } else if (strcmp(mode, "hlt") == 0) {
        __asm__ volatile("hlt");
    } else if (strcmp(mode, "div") == 0) {
        volatile int n = 1;
        n = n / zero;
    } else if (strcmp(mode, "print") == 0) {
        puts("about to crash");
        fflush(stdout);
        null_write();
    } else {
        fprintf(stderr, "crash: unknown mode '%s' (read|kernel|ud2|hlt|div|print)\n", mode);
        return 2;
    }
    fprintf(stderr, "crash: mode '%s' did not crash\n", mode);
    return 1;
}
