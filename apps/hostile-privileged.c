/* Hostile: executes instructions only the kernel may run.  At CPL3 with IOPL 0 and no I/O bitmap
 * each is a #GP (or #UD), so the domain must be killed at the first one, with the reason
 * "general protection fault (privileged instruction)".
 *
 *   hostile-privileged [all]   cli, hlt, in, out, wrmsr, rdmsr, lgdt, lidt, mov to cr3, invlpg,
 *                              wbinvd in that order: killed at cli
 *   hostile-privileged MODE    only that one (cli, hlt, in, out, wrmsr, rdmsr, lgdt, lidt,
 *                              mov-cr3, invlpg, wbinvd)
 *
 * Prints "hostile-privileged: MODE" (flushed) before each, and "hostile-privileged: MODE
 * survived: NOT CONTAINED" if one returns (then exits 1 after the last). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static struct __attribute__((packed)) {
    uint16_t limit;
    uint64_t base;
} table_desc = {0, 0};

static void do_cli(void) {
    __asm__ volatile("cli");
}
static void do_hlt(void) {
    __asm__ volatile("hlt");
}
/* Port 0x504 is ER_HC_PORT_BASE + 4 (a log hypercall): an app must never reach the host. */
static void do_in(void) {
    uint32_t v;
    __asm__ volatile("inl %%dx, %0" : "=a"(v) : "d"(0x504));
}
static void do_out(void) {
    __asm__ volatile("outl %0, %%dx" : : "a"(0x1000), "d"(0x504));
}
/* IA32_LSTAR: the syscall entry point. */
static void do_wrmsr(void) {
    __asm__ volatile("wrmsr" : : "c"(0xc0000082), "a"(0), "d"(0));
}
static void do_rdmsr(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000082));
}
static void do_lgdt(void) {
    __asm__ volatile("lgdt %0" : : "m"(table_desc));
}
static void do_lidt(void) {
    __asm__ volatile("lidt %0" : : "m"(table_desc));
}
static void do_mov_cr3(void) {
    __asm__ volatile("mov %0, %%cr3" : : "r"(0x10000ul));
}
static void do_invlpg(void) {
    __asm__ volatile("invlpg (%0)" : : "r"(0x400000ul) : "memory");
}
static void do_wbinvd(void) {
    __asm__ volatile("wbinvd");
}

static const struct {
    const char* name;
    void (*fn)(void);
} kModes[] = {
    {"cli", do_cli},         {"hlt", do_hlt},       {"in", do_in},         {"out", do_out},
    {"wrmsr", do_wrmsr},     {"rdmsr", do_rdmsr},   {"lgdt", do_lgdt},     {"lidt", do_lidt},
    {"mov-cr3", do_mov_cr3}, {"invlpg", do_invlpg}, {"wbinvd", do_wbinvd},
};

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "all";
    int ran = 0;
    for (unsigned i = 0; i < sizeof kModes / sizeof kModes[0]; i++) {
        if (strcmp(mode, "all") != 0 && strcmp(mode, kModes[i].name) != 0) continue;
        printf("hostile-privileged: %s\n", kModes[i].name);
        fflush(stdout);
        kModes[i].fn();
        printf("hostile-privileged: %s survived: NOT CONTAINED\n", kModes[i].name);
        fflush(stdout);
        ran++;
    }
    if (ran == 0) {
        fprintf(stderr, "hostile-privileged: unknown mode '%s'\n", mode);
        return 2;
    }
    return 1;
}
