// The guest side of AF_INET/AF_INET6 sockets (unikernel/net/, docs/network.md "Guest side") from
// the inside: unikernel/tests/net_check.c over loopback within one domain (TCP on 127.0.0.1 and
// ::1, non-blocking connect with poll and epoll, blocking calls woken through the idle loop's
// host poll, read-ahead, UDP, options, bad input), alone and as two domains of one enclave whose
// sockets and waits interleave.  Real programs are the Net suite's (net_test.cpp).
#include <gtest/gtest.h>

#include <iterator>
#include <regex>
#include <string>

#include "harness.hpp"

namespace {

using er::test::enclave;
using er::test::kChecks;

const std::regex kPassed("net-check: [0-9]+ checks, 0 failed");

TEST(NetGuest, SocketsOverLoopbackMatchLinux) {
    auto r = enclave({"run", kChecks + "/net-check"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, kPassed)) << r.out;
    EXPECT_NE(r.out.find("SUCCESS"), std::string::npos) << r.out;
}

// Two domains at once: each names its sockets by its own handles, and the idle loop's one host
// poll covers the waiters of both.
TEST(NetGuest, TwoDomainsAtOnce) {
    auto nc = kChecks + "/net-check";
    auto r = enclave({"run", nc, "---", nc});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    auto lines = std::sregex_iterator(r.out.begin(), r.out.end(), kPassed);
    EXPECT_EQ(std::distance(lines, std::sregex_iterator()), 2) << r.out;
}

}  // namespace
