/*
 * The user address space the unikernel gives each app, and the size of its initial stack.  The
 * guest builds every domain from these numbers (unikernel/mm/layout.hpp, user_layout.hpp,
 * domain/initial_stack.cpp); the launcher uses the same numbers to refuse before boot an app the
 * guest would refuse (elf/load_rules.hpp), so the two can never disagree.  Not part of a struct
 * layout: changing a value needs no ABI version bump, but both sides are built from one tree.
 */
#ifndef ER_USER_LAYOUT_H
#define ER_USER_LAYOUT_H

#ifdef __cplusplus
#include <cstdint>
#else
#include <stdint.h>
#endif

/* ---- a page-table domain: the whole lower half, Linux's layout without ASLR ---------------- */
#define ER_USER_MIN 0x10000ull                  /* the first 64 KiB stay unmapped (NULL guard) */
#define ER_USER_END 0x00007FFFFFFFF000ull       /* the top page below 2^47 stays unmapped      */
#define ER_USER_STACK_TOP 0x00007FFFFFFFE000ull /* one guard page below ER_USER_END            */
#define ER_USER_STACK_SIZE (8ull << 20)         /* 8 MiB, demand paged                        */
#define ER_MMAP_BASE 0x00007F0000000000ull      /* anonymous mmap searches down from here      */
#define ER_PIE_LOAD_BIAS 0x0000555555554000ull  /* where a static PIE is loaded (Linux's)      */
#define ER_HEAP_GAP (1ull << 32)                /* the heap ends this far below the mmap base  */
#define ER_USER_BRK_LIMIT (ER_MMAP_BASE - ER_HEAP_GAP) /* an image (.bss included) ends below   */

/* ---- an MPK domain: a 4 TiB window per protection key, the same shape scaled down ---------- */
#define ER_MPK_WINDOW_SHIFT 42u
#define ER_MPK_IMAGE_OFFSET (1ull << 32)   /* a static PIE is loaded 4 GiB into its window      */
#define ER_MPK_MMAP_FROM_TOP (64ull << 30) /* the mmap area starts 64 GiB below the window's top \
                                            */
/* How far above its load bias a PIE image (.bss included) may reach in a window. */
#define ER_MPK_IMAGE_MAX \
    ((1ull << ER_MPK_WINDOW_SHIFT) - ER_MPK_MMAP_FROM_TOP - ER_HEAP_GAP - ER_MPK_IMAGE_OFFSET)

/* ---- the initial stack: argc, argv[], envp[], auxv, then the strings ------------------------ */
#define ER_INITIAL_STACK_MAX (128u * 1024u) /* what the guest lays out and copies in one go */
#define ER_INITIAL_STACK_AUX_PAIRS 19u      /* auxv entries, AT_NULL included                   */

/* Bytes of the initial stack for argc + envc strings of strings_size bytes in all (NULs
 * included): 16 random bytes, "x86_64\0" and the strings, 16-aligned; then argc, the argv and
 * envp arrays with their NULL ends and the auxv pairs, 16-aligned again (rsp at argc). */
static inline uint64_t er_initial_stack_bytes(uint32_t argc, uint32_t envc, uint64_t strings_size) {
    uint64_t info = 16u + 7u + strings_size;
    uint64_t info_aligned = (info + 15u) & ~(uint64_t)15u;
    uint64_t words = 1u + ((uint64_t)argc + 1u) + ((uint64_t)envc + 1u) +
                     2u * (uint64_t)ER_INITIAL_STACK_AUX_PAIRS;
    return (info_aligned + words * 8u + 15u) & ~(uint64_t)15u;
}

#endif /* ER_USER_LAYOUT_H */
