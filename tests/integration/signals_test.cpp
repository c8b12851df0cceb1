// Signals delivered for real (unikernel/signal/, docs/guest.md "Signals"): unikernel/tests/
// signal_check.c runs its checks inside a domain, built with musl and with static glibc, and its
// hostile modes rewrite their own signal frame so that rt_sigreturn must refuse it.
#include <gtest/gtest.h>

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

// Both libcs in one enclave (one boot): handlers with SA_SIGINFO see their info and sigreturn
// resumes with registers, SSE and MXCSR intact; masks hold a signal pending; SIGSEGV, SIGFPE,
// SIGILL and SIGTRAP reach handlers that siglongjmp out; a stack overflow's handler runs on the
// sigaltstack; setitimer interrupts nanosleep, pause and sigsuspend with EINTR; SA_RESTART
// restarts a pipe read; SIGPIPE; SA_RESETHAND, SA_NODEFER; kill stays inside the domain and the
// domain's init ignores what it does not handle.
TEST(Signals, HandlersMasksFaultsAlarmsInBothLibcs) {
    Result r = enclave({"run", kChecks + "/signal-check", "---", kChecks + "/signal-check-glibc"});
    ASSERT_FALSE(r.signaled) << "enclave-run itself died";
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    auto out = by_domain(r.out);
    for (const char* name : {"signal-check", "signal-check-glibc"}) {
        ASSERT_EQ(out[name].size(), 1u) << r.out << r.err;
        EXPECT_NE(out[name][0].find("checks ok"), std::string::npos) << r.out;
        EXPECT_EQ(summary(r.err)[name].status, "exited 0") << r.err;
    }
}

struct HostileFrame {
    const char* mode;
    const char* reason;  // in the kill line
};

class SignalsHostile : public ::testing::TestWithParam<HostileFrame> {};

// victim --- signal-check hostile-* --- hello: the forged frame kills its own domain with
// SIGSEGV and a message naming the refused field; the neighbours run to their normal end.
TEST_P(SignalsHostile, ForgedSigreturnFrameKillsOnlyItsDomain) {
    const HostileFrame& c = GetParam();
    Result r = enclave(
        {"run", app("victim"), "---", kChecks + "/signal-check", c.mode, "---", app("hello")});
    ASSERT_FALSE(r.signaled) << "enclave-run itself died";
    EXPECT_EQ(r.status, 139) << r.err;
    expect_kill_line(r, "signal-check", "SIGSEGV", c.reason);
    auto out = by_domain(r.out);
    EXPECT_TRUE(out["signal-check"].empty()) << "it survived rt_sigreturn:\n" << r.out;
    EXPECT_EQ(join(out["victim"]), join(victim_lines())) << r.out;
    EXPECT_EQ(join(out["hello"]), kHello + "\n") << r.out;
    auto rows = summary(r.err);
    EXPECT_EQ(rows["victim"].status, "exited 0") << r.err;
    EXPECT_EQ(rows["hello"].status, "exited 0") << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Frames, SignalsHostile,
    ::testing::Values(HostileFrame{"hostile-cs", "rt_sigreturn: frame's CS is not the user code"},
                      HostileFrame{"hostile-iopl", "rt_sigreturn: frame's RFLAGS set IOPL"},
                      HostileFrame{"hostile-rip", "rt_sigreturn: frame's rip is not a user"}),
    [](const auto& info) {
        std::string n = info.param.mode;
        for (char& ch : n)
            if (ch == '-') ch = '_';
        return n;
    });

}  // namespace
