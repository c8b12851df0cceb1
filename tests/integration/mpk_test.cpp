// End-to-end tests of the MPK backend (issue #4, docs/mpk.md): static-PIE domains sharing one
// address space, kept apart by protection keys.  The Mpk.* tests need a CPU with PKU (the test VM's
// -cpu max); the NoPku.* tests a CPU without (integration_no_pku, -cpu max,-pku).  Each boots real
// VMs on a real KVM.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "domain_output.hpp"
#include "harness.hpp"

namespace {

using er::test::app;
using er::test::by_domain;
using er::test::enclave;
using er::test::expect_kill_line;
using er::test::join;
using er::test::kHello;
using er::test::Result;
using er::test::summary;
using er::test::victim_lines;

std::string mpk(int space, int key) {
    return "mpk (space " + std::to_string(space) + ", key " + std::to_string(key) + ")";
}

// victim-pie, the hostile app, hello-pie: in that order they get keys 1, 2, 3 of space 0.
Result run_three(const std::vector<std::string>& hostile) {
    std::vector<std::string> args = {"run", app("victim-pie"), "5", "---", app("hostile-mpk")};
    args.insert(args.end(), hostile.begin(), hostile.end());
    args.insert(args.end(), {"---", app("hello-pie")});
    return enclave(args);
}

void expect_neighbours_intact(const Result& r) {
    auto out = by_domain(r.out);
    EXPECT_EQ(join(out["victim-pie"]), join(victim_lines(5))) << r.out;
    EXPECT_EQ(join(out["hello-pie"]), kHello + "\n") << r.out;
    EXPECT_EQ(join(out[""]), "") << r.out;
    auto rows = summary(r.err);
    EXPECT_EQ(rows["victim-pie"].status, "exited 0") << r.err;
    EXPECT_EQ(rows["hello-pie"].status, "exited 0") << r.err;
    EXPECT_EQ(rows["victim-pie"].isolation, mpk(0, 1)) << r.err;
    EXPECT_EQ(rows["hostile-mpk"].isolation, mpk(0, 2)) << r.err;
    EXPECT_EQ(rows["hello-pie"].isolation, mpk(0, 3)) << r.err;
    EXPECT_EQ(r.err.find("victim: memory changed"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("NOT CONTAINED"), std::string::npos) << r.out;
}

// ---- isolation holds by protection keys ----------------------------------------------------

struct Attack {
    const char* mode;    // hostile-mpk's
    const char* line;    // what it prints right before the access
    const char* reason;  // in its kill line
};

class CrossDomain : public ::testing::TestWithParam<Attack> {};

// Key 2 touches a present page of key 1 in the same address space: the page-table walk allows
// it, only the key stops it.  The attacker dies with the key named; the others finish intact.
TEST_P(CrossDomain, IsAProtectionKeyFaultThatKillsOnlyTheAttacker) {
    const Attack& a = GetParam();
    Result r = run_three({a.mode, "1"});
    ASSERT_FALSE(r.signaled);
    EXPECT_EQ(r.status, 139) << r.err;
    EXPECT_EQ(join(by_domain(r.out)["hostile-mpk"]), std::string("hostile-mpk: key 2\n") + a.line)
        << r.out;
    expect_kill_line(r, "hostile-mpk", "SIGSEGV", a.reason);
    expect_neighbours_intact(r);
}

INSTANTIATE_TEST_SUITE_P(
    Mpk, CrossDomain,
    ::testing::Values(Attack{"read", "hostile-mpk: reading key 1's image at 0x40100000000\n",
                             "protection key 1 denies a read of another domain's memory"},
                      Attack{"write", "hostile-mpk: writing key 1's stack at 0x7ffffffdff8\n",
                             "protection key 1 denies a write to another domain's memory"}),
    [](const auto& info) { return std::string(info.param.mode); });

TEST(Mpk, TheSyscallLayerRefusesAnotherDomainsMemory) {
    Result r = run_three({"syscall", "1"});
    ASSERT_FALSE(r.signaled);
    EXPECT_EQ(r.status, 0) << r.err;
    auto lines = by_domain(r.out)["hostile-mpk"];
    ASSERT_FALSE(lines.empty()) << r.out;
    EXPECT_EQ(lines.back(), "hostile-mpk: 9 calls, 0 not refused") << r.out;
    EXPECT_EQ(summary(r.err)["hostile-mpk"].status, "exited 0") << r.err;
    expect_neighbours_intact(r);
}

// The kernel forces PKRU back at syscall entry: an app that denied itself every key (possible
// only on page tables, where a WRPKRU does no harm to others) gets its rights back.
TEST(Mpk, KernelEntryForcesTheDomainsPkru) {
    Result r = enclave({"run", "--summary", app("pkru-reset")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "pkru-reset: after syscall 0xfffffffc\n") << r.err;
    EXPECT_EQ(summary(r.err)["pkru-reset"].isolation, "pagetable") << r.err;
}

// An MPK domain's memory limit covers its frames and the page tables under its window: it dies at
// its limit and the two other members of its space finish intact.
TEST(Mpk, OomDomainDiesAloneAtItsLimit) {
    std::string json = std::string(R"({"apps": [{"path": ")") + app("victim-pie") +
                       R"(", "args": ["5"]}, {"path": ")" + app("hostile-oom-pie") +
                       R"(", "memory": "24M"}, {"path": ")" + app("hello-pie") + R"("}]})";
    Result r = enclave({"run", "-f", er::test::write_file("enclave-mpk-oom.json", json)});
    EXPECT_EQ(r.status, 137) << r.err;
    auto rows = summary(r.err);
    EXPECT_EQ(rows["hostile-oom-pie"].status, "killed SIGKILL (memory limit exceeded)") << r.err;
    EXPECT_LE(rows["hostile-oom-pie"].mem_mib, 24) << r.err;
    EXPECT_EQ(rows["hostile-oom-pie"].isolation, mpk(0, 2)) << r.err;
    auto out = by_domain(r.out);
    EXPECT_EQ(join(out["victim-pie"]), join(victim_lines(5))) << r.out;
    EXPECT_EQ(join(out["hello-pie"]), kHello + "\n") << r.out;
    EXPECT_EQ(rows["victim-pie"].status, "exited 0") << r.err;
    EXPECT_EQ(rows["hello-pie"].status, "exited 0") << r.err;
}

// ---- keys are scarce: the 16th MPK domain opens a second address space ---------------------

TEST(Mpk, TwentyDomainsSpillIntoASecondSpace) {
    std::vector<std::string> args = {"run", "--summary", app("victim-pie"), "3"};
    for (int i = 0; i < 19; i++) args.insert(args.end(), {"---", app("hello-pie")});
    Result r = enclave(args);
    ASSERT_FALSE(r.signaled);
    EXPECT_EQ(r.status, 0) << r.err;
    auto out = by_domain(r.out);
    EXPECT_EQ(join(out["victim-pie"]), join(victim_lines(3))) << r.out;
    auto rows = summary(r.err);
    ASSERT_EQ(rows.size(), 20u) << r.err;
    EXPECT_EQ(rows["victim-pie"].isolation, mpk(0, 1));
    // Names: hello-pie, hello-pie-2, ... hello-pie-19 (domains 2..20 of the enclave).
    for (int i = 1; i <= 19; i++) {
        std::string name = i == 1 ? "hello-pie" : "hello-pie-" + std::to_string(i);
        int domain = i + 1;  // 1-based position in the enclave
        int space = domain <= 15 ? 0 : 1;
        int key = domain <= 15 ? domain : domain - 15;
        EXPECT_EQ(rows[name].status, "exited 0") << name << "\n" << r.err;
        EXPECT_EQ(rows[name].isolation, mpk(space, key)) << name << "\n" << r.err;
        EXPECT_EQ(join(out[name]), kHello + "\n") << name << "\n" << r.out;
    }
}

// ---- no app can change its own rights: gadgets are refused ----------------------------------

std::string offset_in(const std::string& text, const std::string& kind) {
    std::smatch m;
    std::regex re(kind + " at offset (0x[0-9a-f]+)");
    return std::regex_search(text, m, re) ? m[1].str() : "";
}

class Gadget : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

// Asked for mpk, the guest's own scan refuses the app with the gadget's offset, the same one the
// host's `enclave-run check` reports; nothing runs.
TEST_P(Gadget, IsRefusedUnderMpkWithTheOffsetCheckReports) {
    auto [name, kind] = GetParam();
    Result check = enclave({"check", app(name)});
    EXPECT_EQ(check.status, 1) << check.out;
    std::string expected = offset_in(check.out, kind);
    ASSERT_NE(expected, "") << check.out;

    Result r = enclave({"run", "--isolation", "mpk", app(name)});
    EXPECT_EQ(r.status, 125) << r.err;
    EXPECT_EQ(r.out, "") << "the app ran:\n" << r.out;
    EXPECT_EQ(er::test::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("isolation mpk refused: the app carries 1 WRPKRU/XRSTOR gadget"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(offset_in(r.err, kind), expected) << r.err;
}

// Under auto the same app runs, on page tables, with a notice naming the gadget.
TEST_P(Gadget, GetsPageTablesUnderAutoWithANotice) {
    auto [name, kind] = GetParam();
    Result r = enclave({"run", "--summary", app(name)});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find(std::string("app carries 1 WRPKRU/XRSTOR gadget: ") + kind + " at offset"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("isolated with page tables instead of a protection key"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(summary(r.err)[name].isolation, "pagetable") << r.err;
}

INSTANTIATE_TEST_SUITE_P(Apps, Gadget,
                         ::testing::Values(std::pair{"gadget-aligned-pie", "WRPKRU"},
                                           std::pair{"gadget-unaligned-pie", "WRPKRU"},
                                           std::pair{"gadget-xrstor-pie", "XRSTOR"}),
                         [](const auto& info) {
                             std::string n = info.param.first;
                             for (char& c : n) c = c == '-' ? '_' : c;
                             return n;
                         });

// ---- the choice ----------------------------------------------------------------------------

TEST(Mpk, AutoGivesFixedAddressAppsPageTablesAndPiesKeys) {
    Result r = enclave({"run", app("hello"), "---", app("hello-pie")});
    EXPECT_EQ(r.status, 0) << r.err;
    auto rows = summary(r.err);
    EXPECT_EQ(rows["hello"].isolation, "pagetable") << r.err;
    EXPECT_EQ(rows["hello-pie"].isolation, mpk(0, 1)) << r.err;
}

TEST(Mpk, PagetableIsHonouredForPies) {
    Result r =
        enclave({"run", "--isolation", "pagetable", app("hello-pie"), "---", app("hello-pie")});
    EXPECT_EQ(r.status, 0) << r.err;
    for (const auto& [name, row] : summary(r.err)) EXPECT_EQ(row.isolation, "pagetable") << name;
}

TEST(Mpk, MpkForAFixedAddressAppIsAClearError) {
    Result r = enclave({"run", "--isolation", "mpk", app("hello")});
    EXPECT_EQ(r.status, 125) << r.err;
    EXPECT_EQ(r.out, "");
    er::test::expect_one_error_line(r, "relocatable");
}

// ---- without PKU (integration_no_pku) ------------------------------------------------------

TEST(NoPku, AutoFallsBackToPageTablesWithOneNotice) {
    Result r = enclave({"run", app("hello-pie"), "---", app("hello-pie")});
    EXPECT_EQ(r.status, 0) << r.err;
    std::regex notice("(^|\n)enclave-run: [^\n]*no protection keys[^\n]*page tables\n");
    EXPECT_TRUE(std::regex_search(r.err, notice)) << r.err;
    auto rows = summary(r.err);
    ASSERT_EQ(rows.size(), 2u) << r.err;
    for (const auto& [name, row] : rows) EXPECT_EQ(row.isolation, "pagetable") << name;
}

TEST(NoPku, MpkIsAClearError) {
    Result r = enclave({"run", "--isolation", "mpk", app("hello-pie")});
    EXPECT_EQ(r.status, 125) << r.err;
    EXPECT_EQ(r.out, "");
    er::test::expect_one_error_line(r, "PKU");
}

}  // namespace
