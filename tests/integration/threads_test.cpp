// Threads inside a domain (issue 18 item 3, docs/guest.md "Domains"): pthreads with musl and
// glibc checked from the inside (thread-check), a threaded domain's attack on its neighbour
// under both backends (Threads.AThreadAttacker* also runs in integration_no_pku), and a threaded
// domain's death giving back every frame.  Each boots real VMs on a real KVM.
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
using er::test::kChecks;
using er::test::kHello;
using er::test::Result;
using er::test::summary;
using er::test::victim_lines;

const std::regex kAllPassed("thread-check: [0-9]+ checks, 0 failed");

// A mutex-heavy counter, join, condvars (signal, broadcast), TLS, CLONE_CHILD_CLEARTID, requeue,
// wake_op, bitsets and timeouts, with musl's pthreads and glibc's (which tries clone3 first).
TEST(Threads, PthreadsWorkWithMuslAndGlibc) {
    for (const char* name : {"thread-check", "thread-check-glibc"}) {
        auto r = enclave({"run", kChecks + "/" + name});
        EXPECT_EQ(r.status, 0) << name << ": " << r.out << r.err;
        EXPECT_TRUE(std::regex_search(r.out, kAllPassed)) << name << ": " << r.out;
    }
}

// Without the timer nothing preempts: threads still hand the CPU over when they block.
TEST(Threads, PthreadsWorkWithoutTheTimer) {
    auto r = enclave({"run", "--tick-ms", "0", kChecks + "/thread-check"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, kAllPassed)) << r.out;
}

// The first thread exits alone (exit, not exit_group): the domain lives on in its other thread,
// whose exit_group(0) ends it.
TEST(Threads, MainThreadMayExitFirst) {
    auto r = enclave({"run", kChecks + "/thread-check-glibc", "--main-exits-first"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, kAllPassed)) << r.out;
}

void expect_victim_intact(const Result& r, const std::string& victim, int lines) {
    auto out = by_domain(r.out);
    EXPECT_EQ(join(out[victim]), join(victim_lines(lines))) << r.out;
    EXPECT_EQ(join(out["hello-pie"]), kHello + "\n") << r.out;
    auto rows = summary(r.err);
    EXPECT_EQ(rows[victim].status, "exited 0") << r.err;
    EXPECT_EQ(rows["hello-pie"].status, "exited 0") << r.err;
    EXPECT_EQ(r.err.find("victim: memory changed"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("NOT CONTAINED"), std::string::npos) << r.out;
}

// Five running threads, one of which reads 0x400000, where the static victim lives: under page
// tables (every domain under integration_no_pku; the EXEC victim here too) the address is not
// mapped in the attacker's space.  The whole attacking domain dies, nothing else.
TEST(Threads, AThreadAttackerDiesWithItsDomainAlone) {
    Result r = enclave({"run", app("victim"), "50", "---", app("hostile-thread"), "exec", "---",
                        app("hello-pie")});
    ASSERT_FALSE(r.signaled);
    EXPECT_EQ(r.status, 139) << r.err;
    auto lines = by_domain(r.out)["hostile-thread"];
    ASSERT_EQ(lines.size(), 2u) << r.out;
    EXPECT_EQ(lines[0], "hostile-thread: 5 threads running");
    EXPECT_TRUE(
        std::regex_match(lines[1], std::regex("hostile-thread: thread [0-9]+ reading 0x400000")))
        << lines[1];
    expect_kill_line(r, "hostile-thread", "SIGSEGV", "read of unmapped address");
    expect_victim_intact(r, "victim", 50);
}

// Under MPK the attacker's threads share one address space with the victim: the victim's page is
// present (it runs 50 lines, long past the attack), and only the attacking thread's PKRU (its
// domain's key) stops the read.
TEST(Threads, AThreadIsStoppedByItsDomainsKeyUnderMpk) {
    Result r = enclave({"run", app("victim-pie"), "50", "---", app("hostile-thread"), "key", "1",
                        "---", app("hello-pie")});
    ASSERT_FALSE(r.signaled);
    EXPECT_EQ(r.status, 139) << r.err;
    auto rows = summary(r.err);
    EXPECT_EQ(rows["hostile-thread"].isolation, "mpk (space 0, key 2)") << r.err;
    expect_kill_line(r, "hostile-thread", "SIGSEGV",
                     "protection key 1 denies a read of another domain's memory");
    expect_victim_intact(r, "victim-pie", 50);
}

long victim_clock(const std::string& err, const char* what) {
    std::smatch m;
    if (!std::regex_search(err, m, std::regex(std::string("victim: ") + what + " at ([0-9]+)")))
        return -1;
    return std::stol(m[1]);
}

// Fairness is per domain, not per thread: a domain of 17 threads that spin without yielding takes
// a turn like any one domain.  The victim yields after each of its 50 lines; under round robin
// over threads each yield would hand the spinners 17 ticks (4 s until they end, then the rest),
// over the bound of Fairness.SpinningDomainGetsNoMoreThanItsShare (5x alone + 4 ticks a yield +
// 10).
TEST(Threads, ManySpinningThreadsTakeOneDomainsShare) {
    constexpr long kTickMs = 10;
    Result alone = enclave({"run", "--tick-ms", "10", app("victim"), "50", "clock"}, 120);
    ASSERT_EQ(alone.status, 0) << alone.err;
    long alone_ns = victim_clock(alone.err, "done") - victim_clock(alone.err, "started");
    ASSERT_GT(alone_ns, 0) << alone.err;
    // The spinners end their domain after 4 s, which is still past the bound.
    Result r = enclave({"run", "--tick-ms", "10", app("hostile-thread"), "spin", "16", "4", "---",
                        app("victim"), "50", "clock"},
                       120);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(join(by_domain(r.out)["victim"]), join(victim_lines(50))) << r.out;
    EXPECT_EQ(summary(r.err)["victim"].status, "exited 0") << r.err;
    long shared_ns = victim_clock(r.err, "done") - victim_clock(r.err, "started");
    ASSERT_GT(shared_ns, 0) << r.err;
    EXPECT_LE(shared_ns, 5 * alone_ns + (50 * 4 + 10) * kTickMs * 1000000l)
        << "alone " << alone_ns << " ns, next to 17 spinning threads " << shared_ns << " ns";
    std::cout << "[ measured ] victim alone " << alone_ns / 1000000
              << " ms, next to 17 spinning threads " << shared_ns / 1000000 << " ms\n";
}

long guest_stat(const std::string& err, const std::string& key) {
    std::smatch m;
    if (!std::regex_search(err, m, std::regex("unikernel: stats: " + key + "=([0-9]+)"))) return -1;
    return std::stol(m[1]);
}

// Threaded domains that end (thread-check) and die (hostile-thread, killed with five threads,
// four of them runnable) give back every frame: their stacks, FPU areas, pages and tables.
TEST(Threads, EveryFrameComesBackAfterThreadedDomains) {
    Result r = enclave(
        {"run", "--stats", kChecks + "/thread-check", "---", app("hostile-thread"), "exec"});
    long before = guest_stat(r.err, "frames_free_before_domains");
    long after = guest_stat(r.err, "frames_free_after_domains");
    ASSERT_GT(before, 0) << r.err;
    EXPECT_EQ(after, before) << r.err;
    EXPECT_EQ(summary(r.err)["thread-check"].status, "exited 0") << r.out << r.err;
    EXPECT_EQ(summary(r.err)["hostile-thread"].status, "killed SIGSEGV") << r.err;
}

}  // namespace
