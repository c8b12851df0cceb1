// No syscall keeps the other domains off the CPU for long (issue 15, item 1): every syscall runs
// with interrupts off, so its cost must be bounded by the work it really does.  A victim domain
// reads the clock in a loop and reports the longest gap between two reads while a hostile domain
// of the same enclave repeats each long-range attack (unikernel/tests/stall_check.c): writev and
// readv over a huge mapping that ends in a hole, mprotect, madvise, MAP_FIXED and munmap over
// 100 TiB, brk grown by 100 TiB and shrunk.  Before the fix one such call took minutes.
#include <gtest/gtest.h>

#include <iostream>
#include <regex>
#include <string>

#include "domain_output.hpp"
#include "harness.hpp"

namespace {

using er::test::enclave;
using er::test::Result;

constexpr int kTickMs = 20;
constexpr int kWindowMs = 2000;  // how long the victim measures and the hostile domain attacks

constexpr long kBoundUs = 5 * kTickMs * 1000l;  // "a few ticks"

struct Gaps {
    long max_us = -1;  // the victim's longest gap
    long over = -1;    // how many of its gaps were longer than kBoundUs
};

Gaps victim_gaps(const std::string& out) {
    std::smatch m;
    static const std::regex kLine(
        "stall-check: victim max gap ([0-9]+) us over [0-9]+ ms \\([0-9]+ reads, ([0-9]+) gaps");
    Gaps g;
    if (std::regex_search(out, m, kLine)) {
        g.max_us = std::stol(m[1]);
        g.over = std::stol(m[2]);
    }
    return g;
}

// One enclave: the hostile domain attacks for the whole window while the victim measures.
Gaps one_run() {
    const std::string app = er::test::kChecks + "/stall-check";
    const std::string window = std::to_string(kWindowMs);
    Result r = enclave({"run", "--tick-ms", std::to_string(kTickMs), "--timeout", "120", app,
                        "hostile", window, "---", app, "victim", window, std::to_string(kBoundUs)},
                       180);
    EXPECT_FALSE(r.timed_out) << r.err;
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    auto out = er::test::by_domain(r.out);
    std::string hostile = er::test::join(out["stall-check"]);
    EXPECT_TRUE(std::regex_search(hostile, std::regex("hostile [1-9][0-9]* rounds .* 0 failed")))
        << r.out;
    Gaps g = victim_gaps(er::test::join(out["stall-check-2"]));
    EXPECT_GE(g.max_us, 0) << r.out << r.err;
    std::cout << "[ measured ] " << hostile << "[ measured ] victim's longest gap " << g.max_us
              << " us, " << g.over << " gaps over " << kBoundUs << " us (tick " << kTickMs
              << " ms)\n";
    return g;
}

// Round robin keeps the victim off the CPU for the hostile domain's slice (one tick) and whatever
// syscall that slice ends in: every gap must stay within a few ticks.  But the test VM is an
// emulated CPU on a shared host, and a loaded host stops the whole VM now and then: up to 650 ms
// measured with a hostile domain that attacks nothing (`stall-check hostile 2000 0 spin`), a few
// times per run at most.  Such pauses are rare and random, while a slow syscall, repeated by the
// hostile domain for the whole window, ends nearly every one of its slices, in every run.  So a
// run passes with at most two gaps beyond 5 ticks and none beyond 50, and the test takes the
// best of up to three runs.  Before the fix no run finished within 60 s (the first munmap, brk
// shrink or iovec check over 100 TiB took minutes).
TEST(Stall, LongRangeSyscallsKeepNoDomainOffTheCpu) {
    bool ok = false;
    for (int run = 0; run < 3 && !ok && !HasFatalFailure(); run++) {
        Gaps g = one_run();
        ok = g.max_us >= 0 && g.over <= 2 && g.max_us <= 10 * kBoundUs;
    }
    EXPECT_TRUE(ok) << "in every run a syscall kept the victim off the CPU for more than 5 ticks "
                       "repeatedly, or for 50 ticks (see the measured lines)";
}

}  // namespace
