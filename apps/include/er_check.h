/* Shared by the C apps that probe the unikernel from the inside (the unikernel/tests check apps,
 * apps/hostile-*.c), so the syscall stub and the check macros exist once.
 *
 *   raw(nr, a..f)              the x86-64 `syscall` instruction with six arguments.  Bypasses musl
 *                              on purpose: the app sees the kernel's own result (-errno, not -1
 *                              and errno) and musl cannot check or rewrite an argument first.
 *   CHECK(what, cond)          counts a check; prints "FAIL WHAT (line N)" when COND is false.
 *   CHECK_EQ(what, got, want)  counts a check; prints "FAIL WHAT: got G, want W (line N)" when the
 *                              two differ as longs.
 *   CHECK_TRUE(cond)           for checks through libc: prints "FAIL FILE:LINE: COND (errno E)".
 *   CHECK_ERRNO(expr, e)       libc's way of failing: EXPR is -1 with errno E.
 *
 * The counters `checks` and `failed` are per app (static); an app prints its own summary from
 * them.  Apps that only need raw() leave them unused, hence the attribute.
 * Header-only: apps/CMakeLists.txt and unikernel/CMakeLists.txt pass -I apps/include to musl-gcc
 * and rebuild the apps when it changes. */
#ifndef ER_CHECK_H
#define ER_CHECK_H

#include <errno.h>
#include <stdio.h>

static inline long raw(long nr, long a, long b, long c, long d, long e, long f) {
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

static int checks __attribute__((unused)), failed __attribute__((unused));

#define CHECK(what, cond)                                  \
    do {                                                   \
        checks++;                                          \
        if (!(cond)) {                                     \
            failed++;                                      \
            printf("FAIL %s (line %d)\n", what, __LINE__); \
        }                                                  \
    } while (0)
#define CHECK_EQ(what, got, want)                                                     \
    do {                                                                              \
        long g_ = (long)(got), w_ = (long)(want);                                     \
        checks++;                                                                     \
        if (g_ != w_) {                                                               \
            failed++;                                                                 \
            printf("FAIL %s: got %ld, want %ld (line %d)\n", what, g_, w_, __LINE__); \
        }                                                                             \
    } while (0)

#define CHECK_TRUE(cond)                                                             \
    do {                                                                             \
        checks++;                                                                    \
        if (!(cond)) {                                                               \
            failed++;                                                                \
            printf("FAIL %s:%d: %s (errno %d)\n", __FILE__, __LINE__, #cond, errno); \
        }                                                                            \
    } while (0)
#define CHECK_ERRNO(expr, e)                  \
    do {                                      \
        errno = 0;                            \
        long r_ = (expr);                     \
        CHECK_TRUE(r_ == -1 && errno == (e)); \
    } while (0)

#endif /* ER_CHECK_H */
