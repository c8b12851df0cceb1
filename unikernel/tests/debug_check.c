/* Hardware corner cases of kernel entry, from an app (docs/threat-model.md "Entry and exit").
 * One mode per run:
 *
 *   movss-syscall     MOV SS then SYSCALL, 1000 times: a #DB held pending by MOV SS would arrive
 *                     at the kernel's first instruction with this app's RSP.  Without a debug
 *                     condition nothing is pending; the syscalls must work.  Prints
 *                     "debug-check: movss-syscall ok" and exits 0.  (POP SS does not exist in
 *                     64-bit mode, and the GDT has no 32-bit user code segment to run it in.)
 *   movss-syscall-tf  the same with EFLAGS.TF set: the single step held by MOV SS may be
 *                     delivered at the SYSCALL entry in kernel mode (on real hardware it is;
 *                     the kernel must ignore it there), and TF comes back with SYSRET.
 *   movss-int3-tf     MOV SS then INT3 with TF set (the held #DB lands in the INT3 entry).
 *   tf                sets TF with POPF.
 *   icebp             INT1 (ICEBP), the #DB no DPL check stops.
 *
 * Every TF/ICEBP mode must end the app with SIGTRAP (or SIGTRAP via int3) and leave the kernel
 * and every other domain running.  Each prints "debug-check: MODE" first, and "debug-check: MODE
 * survived" if it ever gets past the trap.  Built with musl-gcc -static by
 * unikernel/CMakeLists.txt; run by tests/integration/stall_test.cpp. */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "er_check.h"

static long movss_getpid(void) {
    long ret;
    __asm__ volatile(
        "mov %%ss, %%cx\n\t"
        "mov %%cx, %%ss\n\t"
        "syscall"
        : "=a"(ret)
        : "0"((long)SYS_getpid)
        : "rcx", "r11", "memory");
    return ret;
}

/* Sets TF; the next instructions single-step. */
#define SET_TF                \
    "pushf\n\t"               \
    "orq $0x100, (%%rsp)\n\t" \
    "popf\n\t"

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "";
    printf("debug-check: %s\n", mode);
    fflush(stdout);
    if (!strcmp(mode, "movss-syscall")) {
        long pid = raw(SYS_getpid, 0, 0, 0, 0, 0, 0);
        for (int i = 0; i < 1000; i++) {
            CHECK_EQ("getpid after MOV SS", movss_getpid(), pid);
            if (failed) break;
        }
        printf("debug-check: movss-syscall %s\n", failed ? "FAILED" : "ok");
        return failed ? 1 : 0;
    }
    if (!strcmp(mode, "movss-syscall-tf")) {
        long ret;
        __asm__ volatile(SET_TF
                         "mov %%ss, %%cx\n\t"
                         "mov %%cx, %%ss\n\t"
                         "syscall"
                         : "=a"(ret)
                         : "0"((long)SYS_getpid)
                         : "rcx", "r11", "memory");
    } else if (!strcmp(mode, "movss-int3-tf")) {
        __asm__ volatile(SET_TF
                         "mov %%ss, %%cx\n\t"
                         "mov %%cx, %%ss\n\t"
                         "int3" ::
                             : "rcx", "memory");
    } else if (!strcmp(mode, "tf")) {
        __asm__ volatile(SET_TF "nop" ::: "memory");
    } else if (!strcmp(mode, "icebp")) {
        __asm__ volatile(".byte 0xf1" ::: "memory");
    } else {
        fprintf(stderr,
                "usage: debug-check movss-syscall|movss-syscall-tf|movss-int3-tf|tf|icebp\n");
        return 2;
    }
    printf("debug-check: %s survived\n", mode);
    return 0;
}
