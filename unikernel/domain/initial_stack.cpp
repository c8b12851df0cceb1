#include "domain/initial_stack.hpp"

#include "lib/string.hpp"
#include "libos-abi/user_layout.h"

namespace uk::domain {
namespace {

constexpr char kPlatform[] = "x86_64";
constexpr uint64_t kPageSize = 4096;
constexpr uint64_t kClockTicks = 100;  // USER_HZ

// Writes 8-byte words upwards from a start offset inside the image buffer.
class WordWriter {
  public:
    WordWriter(uint8_t* base, size_t offset) : base_(base), at_(offset) {}
    void put(uint64_t v) {
        memcpy(base_ + at_, &v, sizeof v);
        at_ += sizeof v;
    }
    void aux(uint64_t tag, uint64_t value) { put(tag), put(value); }

  private:
    uint8_t* base_;
    size_t at_;
};

}  // namespace

const char* layout_initial_stack(const StackImage& s, uint64_t top, uint8_t* out, size_t out_cap,
                                 size_t* used) {
    // The size rule is shared with the launcher, which refuses too-large arguments before boot.
    static_assert(sizeof s.random + sizeof kPlatform == 16 + 7, "er_initial_stack_bytes' info");
    uint64_t total = er_initial_stack_bytes(s.argc, s.envc, s.strings_size);
    if (total > out_cap) return "arguments and environment are too large for the initial stack";
    if ((top & 15) != 0) return "stack top not 16-byte aligned";

    // Buffer offset o corresponds to user address top - total + o.
    uint64_t base = top - total;
    memset(out, 0, total);
    size_t random_off = total - sizeof s.random;
    size_t platform_off = random_off - sizeof kPlatform;
    size_t strings_off = platform_off - s.strings_size;
    memcpy(out + random_off, s.random, sizeof s.random);
    memcpy(out + platform_off, kPlatform, sizeof kPlatform);
    memcpy(out + strings_off, s.strings, s.strings_size);

    WordWriter w(out, 0);
    w.put(s.argc);
    uint64_t at = 0;
    uint64_t argv0 = 0;
    for (uint32_t i = 0; i < s.argc + s.envc; i++) {
        if (i == s.argc) w.put(0);  // argv terminator
        uint64_t addr = base + strings_off + at;
        if (i == 0) argv0 = addr;
        w.put(addr);
        while (at < s.strings_size && s.strings[at] != '\0') at++;
        at++;
    }
    if (s.envc == 0) w.put(0);  // the loop never reached the argv terminator
    w.put(0);                   // envp terminator
    w.aux(kAtPhdr, s.phdr);
    w.aux(kAtPhent, s.phent);
    w.aux(kAtPhnum, s.phnum);
    w.aux(kAtPagesz, kPageSize);
    w.aux(kAtBase, 0);
    w.aux(kAtFlags, 0);
    w.aux(kAtEntry, s.entry);
    w.aux(kAtUid, 0);
    w.aux(kAtEuid, 0);
    w.aux(kAtGid, 0);
    w.aux(kAtEgid, 0);
    w.aux(kAtSecure, 0);
    w.aux(kAtClktck, kClockTicks);
    w.aux(kAtRandom, base + random_off);
    w.aux(kAtPlatform, base + platform_off);
    w.aux(kAtHwcap, s.hwcap);
    w.aux(kAtExecfn, s.argc > 0 ? argv0 : base + platform_off + sizeof kPlatform - 1);
    // Counted in ER_INITIAL_STACK_AUX_PAIRS; without a vDSO its slot is zeros after AT_NULL.
    if (s.sysinfo_ehdr != 0) w.aux(kAtSysinfoEhdr, s.sysinfo_ehdr);
    w.aux(kAtNull, 0);
    *used = total;
    return nullptr;
}

}  // namespace uk::domain
