#include "domain/initial_stack.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "libos-abi/user_layout.h"

namespace {

using namespace uk::domain;

constexpr uint64_t kTop = 0x7fffffffe000;

struct Parsed {
    uint64_t rsp;
    std::vector<std::string> argv, envp;
    std::map<uint64_t, uint64_t> aux;
    std::vector<uint8_t> image;
    std::string str_at(uint64_t addr) const {
        return std::string(reinterpret_cast<const char*>(&image[addr - rsp]));
    }
};

Parsed build(const std::string& blob, uint32_t argc, uint32_t envc, uint64_t vdso = 0) {
    StackImage s{};
    s.sysinfo_ehdr = vdso;
    s.argc = argc;
    s.envc = envc;
    s.strings = blob.data();
    s.strings_size = blob.size();
    s.phdr = 0x400040;
    s.phent = 56;
    s.phnum = 7;
    s.entry = 0x401000;
    s.hwcap = 0x178bfbff;
    for (int i = 0; i < 16; i++) s.random[i] = uint8_t(i * 7 + 1);
    std::vector<uint8_t> buf(64 * 1024);
    size_t used = 0;
    const char* err = layout_initial_stack(s, kTop, buf.data(), buf.size(), &used);
    EXPECT_EQ(err, nullptr);
    Parsed p;
    p.rsp = kTop - used;
    p.image.assign(buf.begin(), buf.begin() + used);
    auto word = [&](size_t i) {
        uint64_t w;
        std::memcpy(&w, &p.image[i * 8], 8);
        return w;
    };
    size_t i = 0;
    uint64_t n = word(i++);
    EXPECT_EQ(n, argc);
    for (uint64_t a; (a = word(i++)) != 0;) p.argv.push_back(p.str_at(a));
    for (uint64_t e; (e = word(i++)) != 0;) p.envp.push_back(p.str_at(e));
    for (;;) {
        uint64_t tag = word(i++), val = word(i++);
        if (tag == kAtNull) break;
        EXPECT_EQ(p.aux.count(tag), 0u) << "duplicate aux tag " << tag;
        p.aux[tag] = val;
    }
    return p;
}

TEST(InitialStack, ArgvEnvpAuxvFollowTheSysVLayout) {
    std::string blob("hello\0-x\0PATH=/bin\0HOME=/\0", 26);
    Parsed p = build(blob, 2, 2);
    EXPECT_EQ(p.rsp % 16, 0u);
    EXPECT_EQ(p.argv, (std::vector<std::string>{"hello", "-x"}));
    EXPECT_EQ(p.envp, (std::vector<std::string>{"PATH=/bin", "HOME=/"}));
    EXPECT_EQ(p.aux.at(kAtPhdr), 0x400040u);
    EXPECT_EQ(p.aux.at(kAtPhent), 56u);
    EXPECT_EQ(p.aux.at(kAtPhnum), 7u);
    EXPECT_EQ(p.aux.at(kAtPagesz), 4096u);
    EXPECT_EQ(p.aux.at(kAtEntry), 0x401000u);
    EXPECT_EQ(p.aux.at(kAtBase), 0u);
    EXPECT_EQ(p.aux.at(kAtSecure), 0u);
    EXPECT_EQ(p.aux.at(kAtClktck), 100u);
    EXPECT_EQ(p.aux.at(kAtHwcap), 0x178bfbffu);
    EXPECT_EQ(p.str_at(p.aux.at(kAtPlatform)), "x86_64");
    EXPECT_EQ(p.str_at(p.aux.at(kAtExecfn)), "hello");
    uint64_t r = p.aux.at(kAtRandom);
    ASSERT_GE(r, p.rsp);
    ASSERT_LE(r + 16, kTop);
    for (int i = 0; i < 16; i++) EXPECT_EQ(p.image[r - p.rsp + i], uint8_t(i * 7 + 1));
    EXPECT_EQ(p.aux.count(kAtSysinfoEhdr), 0u) << "no vDSO: no AT_SYSINFO_EHDR";
}

// The vDSO's address reaches the app as AT_SYSINFO_EHDR, within the size the launcher reserves.
TEST(InitialStack, PassesTheVdsoAsSysinfoEhdr) {
    std::string blob("hello\0PATH=/bin\0", 16);
    Parsed p = build(blob, 1, 1, 0x7fffff6fd000);
    EXPECT_EQ(p.aux.at(kAtSysinfoEhdr), 0x7fffff6fd000u);
    EXPECT_EQ(p.image.size(), er_initial_stack_bytes(1, 1, blob.size()));
}

TEST(InitialStack, AlignedForEveryArgumentCount) {
    std::string blob;
    for (uint32_t argc = 0; argc < 6; argc++) {
        for (uint32_t envc = 0; envc < 4; envc++) {
            blob.clear();
            for (uint32_t i = 0; i < argc + envc; i++) blob += std::string(i + 1, 'a') + '\0';
            Parsed p = build(blob, argc, envc);
            EXPECT_EQ(p.rsp % 16, 0u) << argc << " " << envc;
            EXPECT_EQ(p.argv.size(), argc);
            EXPECT_EQ(p.envp.size(), envc);
        }
    }
}

TEST(InitialStack, RefusesWhatDoesNotFit) {
    std::string blob(1000, 'x');
    blob.back() = '\0';
    StackImage s{};
    s.argc = 1;
    s.strings = blob.data();
    s.strings_size = blob.size();
    uint8_t small[512];
    size_t used = 0;
    EXPECT_NE(layout_initial_stack(s, kTop, small, sizeof small, &used), nullptr);
}

}  // namespace

namespace {

// The launcher refuses arguments by er_initial_stack_bytes before boot (libos-abi/user_layout.h);
// it must be exactly what the guest lays out, or one side refuses what the other accepts.
TEST(InitialStack, UsesExactlyTheSharedSize) {
    std::string blob;
    for (uint32_t n = 1; n < 40; n++) {
        blob += std::string(n % 7 + 1, 'a') + '\0';
        for (uint32_t envc = 0; envc <= n; envc += 3) {
            StackImage s{};
            s.argc = n - envc;
            s.envc = envc;
            s.strings = blob.data();
            s.strings_size = blob.size();
            std::vector<uint8_t> out(ER_INITIAL_STACK_MAX);
            size_t used = 0;
            ASSERT_EQ(layout_initial_stack(s, kTop, out.data(), out.size(), &used), nullptr);
            EXPECT_EQ(used, er_initial_stack_bytes(s.argc, s.envc, s.strings_size)) << n;
            // One byte less room and it is refused.
            EXPECT_NE(layout_initial_stack(s, kTop, out.data(), used - 1, &used), nullptr);
        }
    }
}

}  // namespace
