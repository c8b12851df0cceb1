// AF_UNIX sockets end to end (unikernel/net/unix/; docs/network.md "Unix sockets"):
// unikernel/tests/unix_check.c from the inside (socketpair of each type, named and abstract
// sockets, a bounded backlog, SCM_RIGHTS, readiness, timeouts, blocking across forked
// processes), and two domains binding the same names at once, which only works when each domain
// has its own name space.  The same check app passes on Linux.
#include <gtest/gtest.h>

#include <iterator>
#include <regex>
#include <string>

#include "harness.hpp"

namespace {

using er::test::enclave;
using er::test::kChecks;

const std::regex kPassed("unix-check: [0-9]+ checks, 0 failed");

TEST(UnixSockets, SocketpairNamesBacklogRightsAndForkMatchLinux) {
    auto r = enclave({"run", kChecks + "/unix-check"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, kPassed)) << r.out;
}

// Both domains bind /tmp/unix-check-ns.sock and the abstract "unix-check-ns" and hold them for
// half a second: a name space shared across domains would make one of the binds EADDRINUSE.
TEST(UnixSockets, EachDomainHasItsOwnNameSpace) {
    auto uc = kChecks + "/unix-check";
    auto r = enclave({"run", uc, "ns", "---", uc, "ns"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    auto lines = std::sregex_iterator(r.out.begin(), r.out.end(), kPassed);
    EXPECT_EQ(std::distance(lines, std::sregex_iterator()), 2) << r.out;
}

}  // namespace
