/* Hostile: calls system calls the library OS does not know, or must not honour, with garbage
 * arguments.  Each must come back as an error (-ENOSYS for the unknown, or another -errno), never
 * crash the libOS, never end the enclave, and never act.
 *
 *   - every number 335..450 (335..423 are unassigned on Linux x86-64: they must be -ENOSYS;
 *     424..450 are newer Linux calls the libOS need not support) and 512, 1000, 0xffffffff, -1;
 *   - privileged-looking calls (iopl, ioperm, reboot, kexec_load, init_module, mount, ...);
 *   - arch_prctl(ARCH_SET_FS/GS) with kernel-half and non-canonical bases: a libOS that loaded
 *     such a base (wrmsr of a non-canonical value faults in the kernel) would panic.
 *
 * Prints "hostile-syscalls: unknown N = R", "... linux N = R" or "... privileged NAME = R" per
 * call, then "hostile-syscalls: N calls, M not an error" (ends with printf, so TLS still works
 * after the refused arch_prctl calls); exits 0 only if M is 0. */
#include <stdint.h>
#include <stdio.h>

#include "er_check.h"

static const long kGarbage = (long)0xdeadbeefdeadbeefull;
static int calls, not_error;

static void check(const char* kind, const char* name, long nr, long ret) {
    calls++;
    if (ret >= 0 || ret < -4095) not_error++;
    if (name != NULL) {
        printf("hostile-syscalls: %s %s = %ld\n", kind, name, ret);
    } else {
        /* Decimal for syscall numbers, hex for the huge ones. */
        printf((unsigned long)nr < 0x10000 ? "hostile-syscalls: %s %lu = %ld\n"
                                           : "hostile-syscalls: %s %#lx = %ld\n",
               kind, (unsigned long)nr, ret);
    }
    fflush(stdout); /* so a crash shows which call was last */
}

static long garbage(long nr) {
    return raw(nr, kGarbage, kGarbage ^ 1, kGarbage ^ 2, kGarbage ^ 3, kGarbage ^ 4, kGarbage ^ 5);
}

struct named {
    const char* name;
    long nr;
};

int main(void) {
    for (long nr = 335; nr <= 450; nr++) {
        check(nr <= 423 ? "unknown" : "linux", NULL, nr, garbage(nr));
    }
    static const long beyond[] = {512, 1000, 0xffffffffl, -1l};
    for (unsigned i = 0; i < sizeof beyond / sizeof beyond[0]; i++) {
        check("unknown", NULL, beyond[i], garbage(beyond[i]));
    }
    static const struct named privileged[] = {
        {"ptrace", 101}, {"syslog", 103},       {"modify_ldt", 154},    {"pivot_root", 155},
        {"chroot", 161}, {"settimeofday", 164}, {"mount", 165},         {"umount2", 166},
        {"swapon", 167}, {"reboot", 169},       {"sethostname", 170},   {"iopl", 172},
        {"ioperm", 173}, {"init_module", 175},  {"delete_module", 176}, {"kexec_load", 246},
    };
    for (unsigned i = 0; i < sizeof privileged / sizeof privileged[0]; i++) {
        check("privileged", privileged[i].name, privileged[i].nr, garbage(privileged[i].nr));
    }
    /* 158 = arch_prctl; 0x1001 ARCH_SET_GS, 0x1002 ARCH_SET_FS. */
    check("privileged", "arch_prctl(ARCH_SET_FS, kernel text)", 158,
          raw(158, 0x1002, (long)0xffffffff80100000ull, 0, 0, 0, 0));
    check("privileged", "arch_prctl(ARCH_SET_FS, non-canonical)", 158,
          raw(158, 0x1002, (long)0x8000000000000000ull, 0, 0, 0, 0));
    check("privileged", "arch_prctl(ARCH_SET_GS, direct map)", 158,
          raw(158, 0x1001, (long)0xffff800000000000ull, 0, 0, 0, 0));
    check("privileged", "arch_prctl(garbage code)", 158, raw(158, kGarbage, kGarbage, 0, 0, 0, 0));
    printf("hostile-syscalls: %d calls, %d not an error\n", calls, not_error);
    return not_error == 0 ? 0 : 1;
}
