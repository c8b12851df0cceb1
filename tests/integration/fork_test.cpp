// fork, wait4/waitid and the process tree end to end (unikernel/process/, mm/ copy-on-write;
// docs/syscalls.md "Processes", docs/mpk.md "Processes"): unikernel/tests/fork_check.c from the
// inside; a fork bomb stopped by the domain's memory limit; a domain whose init leaves children
// behind gives back every frame; a forked child as attacker next to another domain, under
// whichever backend the CPU gives (the integration_no_pku run is the page-table one).
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "harness.hpp"

namespace {

using er::test::enclave;
using er::test::kChecks;

long stat_line(const std::string& err, const std::string& key) {
    std::smatch m;
    if (!std::regex_search(err, m, std::regex(key + "=([0-9]+)"))) return -1;
    return std::stol(m[1]);
}

TEST(Fork, StatusesCopyOnWriteWaitAndTheTree) {
    auto r = enclave({"run", kChecks + "/fork-check"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("fork-check: [0-9]+ checks, 0 failed")))
        << r.out;
}

// The same as a static PIE, which gets an MPK domain where the CPU has PKU: its children get
// roots of their own with the same key.
TEST(Fork, StatusesCopyOnWriteWaitAndTheTreeAsAPie) {
    auto r = enclave({"run", kChecks + "/fork-check-pie"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("fork-check: [0-9]+ checks, 0 failed")))
        << r.out;
}

TEST(Fork, ABombIsStoppedByTheMemoryLimitWithAnError) {
    std::string json = R"({"memory": "64M", "apps": [{"name": "bomb", "path": ")" + kChecks +
                       R"(/fork-check", "args": ["--bomb"], "memory": "4M"}]})";
    std::string path = er::test::write_file("fork-bomb.json", json);
    auto r = enclave({"run", "-f", path});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("bomb stopped after [1-9][0-9]* forks by "
                                                    "(ENOMEM|EAGAIN)")))
        << r.out << r.err;
    EXPECT_EQ(r.err.find("panic"), std::string::npos) << r.err;
}

TEST(Fork, ADomainEndingWithChildrenLeftGivesBackEveryFrame) {
    auto r = enclave({"run", "--stats", kChecks + "/fork-check", "--", "--leave", "20"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("leaving 20 children behind"), std::string::npos) << r.out;
    long before = stat_line(r.err, "frames_free_before_domains");
    long after = stat_line(r.err, "frames_free_after_domains");
    ASSERT_GT(before, 0) << r.err;
    EXPECT_EQ(after, before) << r.err;
}

// The issue's "done when": a domain killed (here its init faults) takes its whole tree with it,
// grandchildren included, and the guest's free-frame count is back where it was.
TEST(Fork, AKilledDomainTakesItsWholeTreeAndEveryFrame) {
    auto r = enclave({"run", "--stats", kChecks + "/fork-check", "--", "--crash", "8"});
    EXPECT_NE(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("8 children and their children up"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("SIGSEGV"), std::string::npos) << r.err;
    long before = stat_line(r.err, "frames_free_before_domains");
    long after = stat_line(r.err, "frames_free_after_domains");
    ASSERT_GT(before, 0) << r.err;
    EXPECT_EQ(after, before) << r.err;
}

// The victim is domain 0 (key 1 under MPK: its image at key 1's window + 4 GiB); the attacker's
// forked child reads and writes there.  Under MPK the child's own root has no such mapping (and
// its parent's key would deny it); under page tables nothing of the victim is mapped either.
TEST(Fork, AForkedChildCannotReachAnotherDomain) {
    std::string pie = kChecks + "/fork-check-pie";
    std::string victim_image = "0x" + [] {
        char b[32];
        snprintf(b, sizeof b, "%llx", (1ull << 42) + (4ull << 30));
        return std::string(b);
    }();
    auto r = enclave({"run", pie, "--victim", "---", pie, "--attack", victim_image});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("attack: child killed by signal 11"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("victim done"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("NOT CONTAINED"), std::string::npos) << r.out;
}

}  // namespace
