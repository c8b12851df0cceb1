// Pipes, descriptors and waiting end to end (unikernel/pipe/, poll/, epoll/, eventfd/;
// docs/syscalls.md "Pipes and waiting"): unikernel/tests/pipe_check.c from the inside, alone and
// as two domains whose waits interleave, across threads and across forked processes.  About
// 8 s in the test VM.
#include <gtest/gtest.h>

#include <iterator>
#include <regex>
#include <string>

#include "harness.hpp"

namespace {

using er::test::enclave;
using er::test::kChecks;

const std::regex kPassed("pipe-check: [0-9]+ checks, 0 failed");

TEST(Pipes, PipesPollEpollEventfdTimerfdMatchLinux) {
    auto r = enclave({"run", kChecks + "/pipe-check"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, kPassed)) << r.out;
}

// Each domain's waiters sleep on their own domain's channel: two domains blocking in poll,
// epoll_wait and timerfd reads at the same time both see their own timeouts and wake-ups.
TEST(Pipes, TwoDomainsWaitIndependently) {
    auto pc = kChecks + "/pipe-check";
    auto r = enclave({"run", pc, "---", pc});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    auto lines = std::sregex_iterator(r.out.begin(), r.out.end(), kPassed);
    EXPECT_EQ(std::distance(lines, std::sregex_iterator()), 2) << r.out;
}

// Blocking across threads: a read and an epoll_wait woken by another thread's write, and 10 MiB
// (1 MiB ten times) through a 64 KiB pipe with a reader thread.  Across processes: a forked child
// writes 10 MiB, the parent reads it all and sees EOF only once the child's write end is gone.
TEST(Pipes, BlockingAcrossThreadsAndProcesses) {
    for (const char* mode : {"threads", "fork"}) {
        auto r = enclave({"run", kChecks + "/pipe-check", mode});
        EXPECT_EQ(r.status, 0) << mode << ": " << r.out << r.err;
        EXPECT_TRUE(std::regex_search(r.out, kPassed)) << mode << ": " << r.out;
    }
}

}  // namespace
