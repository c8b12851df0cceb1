// End-to-end tests of `enclave-run run` on a real KVM: each test boots a real VM with the real
// unikernel and a real musl-built app from apps/, and checks output, exit status and reports.
// ctest runs this binary through tests/vm/with-kvm.sh: on this machine's /dev/kvm when it is a
// usable kvm_amd/kvm_intel, else inside the test VM (kvm_amd under QEMU TCG).  Host-only checks
// (what happens without /dev/kvm) are in the HostOnly suite, run outside any VM.
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace {

using er::test::app;
using er::test::count_lines;
using er::test::enclave;
using er::test::expect_one_error_line;
using er::test::kChecks;
using er::test::kScratch;
using er::test::read_file;
using er::test::stat_value;
using er::test::write_file;

TEST(Run, HelloPrintsGreetingAndExitsZero) {
    auto r = enclave({"run", app("hello")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "Hello from enclave-run!\n");
    EXPECT_EQ(r.err, "");
}

TEST(Run, StaticPieHello) {
    auto r = enclave({"run", app("hello-pie")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "Hello from enclave-run!\n");
}

TEST(Run, ExitCodeIsPropagated) {
    EXPECT_EQ(enclave({"run", app("exit-code")}).status, 3);
    EXPECT_EQ(enclave({"run", app("exit-code"), "--", "42"}).status, 42);
    EXPECT_EQ(enclave({"run", app("exit-code"), "--", "0"}).status, 0);
}

TEST(Run, ArgsAndEnvironmentReachTheApp) {
    auto r =
        enclave({"run", "--env", "GREETING=hi there", app("echo-args"), "--", "one", "two words"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("argc=3\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("argv[1]=one\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("argv[2]=two words\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("env: GREETING=hi there\n"), std::string::npos) << r.out;
    auto pie = enclave({"run", app("echo-args-pie"), "--", "x"});
    EXPECT_EQ(pie.status, 0) << pie.err;
    EXPECT_NE(pie.out.find("argv[1]=x\n"), std::string::npos) << pie.out;
}

TEST(Run, StdoutAndStderrStaySeparate) {
    auto r = enclave({"run", app("stderr")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "to stdout\n");
    EXPECT_EQ(r.err, "to stderr\n");
}

// apps/alloc peaks at about 88 MiB resident on Linux: it fits 256 MiB of guest RAM...
TEST(Run, AllocatorWorks) {
    auto r = enclave({"run", "--memory", "256M", app("alloc")});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_EQ(r.out.rfind("alloc: ok", 0), 0u) << r.out;
}

// ...and not the default 64 MiB, where the app is killed cleanly and the launcher reports it.
TEST(Run, OutOfGuestMemoryKillsTheAppCleanly) {
    auto r = enclave({"run", "--memory", "64M", app("alloc")});
    EXPECT_EQ(r.status, 128 + 9) << r.err;
    expect_one_error_line(r, "out of memory");
}

TEST(Run, LargeOutputArrivesIntactAndInOrder) {
    auto r = enclave({"run", app("big-output")});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(count_lines(r.out), 100000);
    std::istringstream in(r.out);
    std::string line;
    for (int i = 1; std::getline(in, line); i++) {
        ASSERT_EQ(line, "line " + std::to_string(i));
    }
}

struct CrashCase {
    const char* mode;  // argument to apps/crash ("" = null write)
    int status;
    const char* signal;
};

class Crash : public ::testing::TestWithParam<CrashCase> {};

TEST_P(Crash, IsReportedAndTheHostSurvives) {
    const CrashCase& c = GetParam();
    std::vector<std::string> args = {"run", app("crash")};
    if (*c.mode) args.insert(args.end(), {"--", c.mode});
    auto r = enclave(args);
    EXPECT_FALSE(r.signaled) << "enclave-run itself died";
    EXPECT_EQ(r.status, c.status) << r.err;
    expect_one_error_line(r, c.signal);
    EXPECT_TRUE(std::regex_search(r.err, std::regex("rip 0x[0-9a-f]+"))) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Apps, Crash,
    ::testing::Values(CrashCase{"", 139, "SIGSEGV"}, CrashCase{"read", 139, "SIGSEGV"},
                      CrashCase{"kernel", 139, "SIGSEGV"}, CrashCase{"hlt", 139, "SIGSEGV"},
                      CrashCase{"ud2", 132, "SIGILL"}, CrashCase{"div", 136, "SIGFPE"}),
    [](const auto& info) {
        return std::string(*info.param.mode ? info.param.mode : "null_write");
    });

TEST(Run, OutputBeforeACrashIsNotLost) {
    auto r = enclave({"run", app("crash"), "--", "print"});
    EXPECT_EQ(r.status, 139) << r.err;
    EXPECT_EQ(r.out, "about to crash\n");
}

TEST(Run, NullWriteReportNamesTheAddress) {
    auto r = enclave({"run", app("crash")});
    EXPECT_NE(r.err.find("address 0x0"), std::string::npos) << r.err;
}

TEST(Run, TimeoutEndsASpinningApp) {
    auto r = enclave({"run", "--timeout", "2", app("spin")}, 120);
    EXPECT_FALSE(r.timed_out) << "enclave-run did not honour --timeout";
    EXPECT_EQ(r.status, 124);
    expect_one_error_line(r, "timed out");
}

// Output waits in the guest at most a few timer ticks: a domain that prints and then runs on
// (a server, a spinner) shows its output, and stopping it with --timeout loses none of it.
TEST(Run, OutputOfALongRunningAppIsNotHeldBack) {
    auto r = enclave({"run", "--timeout", "3", app("hostile-spin")}, 120);
    EXPECT_EQ(r.status, 124) << r.err;
    EXPECT_EQ(r.out, "hostile-spin: spinning\n");
    EXPECT_NE(r.err.find("hostile-spin: started at"), std::string::npos) << r.err;
}

TEST(BadInput, TruncatedElfIsRefused) {
    std::string hello = read_file(app("hello"));
    ASSERT_GT(hello.size(), 200u);
    auto path = write_file("truncated", hello.substr(0, 100));
    auto r = enclave({"run", path});
    EXPECT_EQ(r.status, 125);
    expect_one_error_line(r, "truncated");
}

TEST(BadInput, NotAnElfIsRefused) {
    auto path = write_file("not-elf", "#!/bin/sh\necho this is a script\n");
    auto r = enclave({"run", path});
    EXPECT_EQ(r.status, 125);
    expect_one_error_line(r, "not an ELF");
}

TEST(BadInput, DynamicallyLinkedIsRefused) {
    auto r = enclave({"run", "/bin/ls"});
    EXPECT_EQ(r.status, 125);
    expect_one_error_line(r, "dynamically linked");
}

TEST(BadInput, MissingFileIsRefused) {
    auto r = enclave({"run", kScratch + "/does-not-exist"});
    EXPECT_EQ(r.status, 125);
    expect_one_error_line(r, "does-not-exist");
}

TEST(BadInput, TooBigForGuestMemory) {
    // A valid image followed by 24 MiB of padding: fine as an ELF, too big for 16 MiB of RAM.
    std::string big = read_file(app("hello")) + std::string(24u << 20, '\0');
    auto path = write_file("too-big", big);
    auto r = enclave({"run", "--memory", "16M", path});
    EXPECT_EQ(r.status, 125);
    expect_one_error_line(r, "too big");
}

TEST(BadInput, BadKernelIsRefused) {
    auto path = write_file("bad-kernel", "not a kernel");
    auto r = enclave({"run", "--kernel", path, app("hello")});
    EXPECT_EQ(r.status, 125);
    expect_one_error_line(r, "bad-kernel");
}

TEST(Cli, HelpAndVersion) {
    auto v = enclave({"--version"});
    EXPECT_EQ(v.status, 0);
    EXPECT_TRUE(std::regex_search(v.out, std::regex("^enclave-run [0-9]+\\.[0-9]+\\.[0-9]+")))
        << v.out;
    auto h = enclave({"run", "--help"});
    EXPECT_EQ(h.status, 0);
    EXPECT_NE(h.out.find("--memory"), std::string::npos);
    EXPECT_NE(h.out.find("--timeout"), std::string::npos);
}

// The syscall layer checked from the inside: 80-odd raw syscalls with Linux's results and errno.
TEST(Guest, SyscallLayerMatchesLinux) {
    auto r = enclave({"run", kChecks + "/syscall-check"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("syscall-check: [0-9]+ checks, 0 failed")))
        << r.out;
}

// Scheduling syscalls checked from the inside (sleeps last as long as asked, yield, futex).
TEST(Guest, SchedulingSyscallsBehave) {
    for (const char* tick : {"10", "0"}) {
        auto r = enclave({"run", "--tick-ms", tick, kChecks + "/sched-check"});
        EXPECT_EQ(r.status, 0) << "tick " << tick << ": " << r.out << r.err;
        EXPECT_TRUE(std::regex_search(r.out, std::regex("sched-check: [0-9]+ checks, 0 failed")))
            << r.out;
    }
}

// Three domains preempting each other keep their own SSE registers.
TEST(Guest, EachDomainKeepsItsOwnFpuState) {
    auto fc = kChecks + "/fpu-check";
    auto r = enclave({"run", fc, "1", "---", fc, "2", "---", fc, "3"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    for (const char* seed : {"1", "2", "3"}) {
        EXPECT_TRUE(std::regex_search(r.out, std::regex(std::string("fpu-check ") + seed + ": ok")))
            << r.out;
    }
}

struct FaultCase {
    const char* mode;  // argument to unikernel/tests/fault-check
    int status;
    const char* reason;  // must appear in the one-line report
};

class GuestFault : public ::testing::TestWithParam<FaultCase> {};

TEST_P(GuestFault, KillsTheAppWithTheRightReason) {
    const FaultCase& c = GetParam();
    auto r = enclave({"run", kChecks + "/fault-check", "--", c.mode});
    EXPECT_FALSE(r.signaled) << "enclave-run itself died";
    EXPECT_EQ(r.status, c.status) << r.err;
    expect_one_error_line(r, c.reason);
}

INSTANTIATE_TEST_SUITE_P(Checks, GuestFault,
                         ::testing::Values(FaultCase{"exec-data", 139, "execute of non-executable"},
                                           FaultCase{"write-text", 139, "write to read-only"},
                                           FaultCase{"prot-none", 139, "inaccessible"},
                                           FaultCase{"int3", 133, "SIGTRAP"},
                                           FaultCase{"cli", 139, "privileged"},
                                           FaultCase{"outl", 139, "privileged"},
                                           FaultCase{"stack", 139, "SIGSEGV"}),
                         [](const auto& info) {
                             std::string n = info.param.mode;
                             for (char& ch : n)
                                 if (ch == '-') ch = '_';
                             return n;
                         });

// Demand paging of the stack: 7 MiB of an 8 MiB stack is usable.
TEST(Guest, DeepStackWorks) {
    auto r = enclave({"run", kChecks + "/fault-check", "--", "deep-stack"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("deep-stack"), std::string::npos) << r.out;
}

// The foundation's budget: a hello run costs at most 5 exits to the launcher.
TEST(Budget, HelloTakesAtMostFiveExits) {
    auto r = enclave({"run", "--stats", app("hello")});
    ASSERT_EQ(r.status, 0) << r.err;
    long exits = stat_value(r.err, "exits");
    ASSERT_GE(exits, 1) << "no stats line in: " << r.err;
    EXPECT_LE(exits, 5) << r.err;
    std::cout << "[ measured ] hello exits=" << exits << "\n";
}

// Guest memory is mapped lazily: 1 GiB of guest RAM costs the launcher < 8 MiB more than 64 MiB.
TEST(Budget, PeakRssBarelyGrowsWithGuestMemory) {
    auto small = enclave({"run", "--stats", "--memory", "64M", app("hello")});
    auto large = enclave({"run", "--stats", "--memory", "1G", app("hello")});
    ASSERT_EQ(small.status, 0) << small.err;
    ASSERT_EQ(large.status, 0) << large.err;
    long rss_small = stat_value(small.err, "peak_rss_kib");
    long rss_large = stat_value(large.err, "peak_rss_kib");
    ASSERT_GT(rss_small, 0) << small.err;
    ASSERT_GT(rss_large, 0) << large.err;
    EXPECT_LT(rss_large - rss_small, 8 * 1024) << small.err << large.err;
    std::cout << "[ measured ] peak_rss_kib 64M=" << rss_small << " 1G=" << rss_large << "\n";
}

// Outside any VM, on a machine without /dev/kvm, the error says how to get one.
TEST(HostOnly, NoKvmMessagePointsToTheTestVm) {
    if (access("/dev/kvm", F_OK) == 0) {
        GTEST_SKIP() << "this machine has /dev/kvm; the no-KVM message cannot be produced here";
    }
    auto r = enclave({"run", app("hello")});
    EXPECT_EQ(r.status, 125);
    expect_one_error_line(r, "/dev/kvm");
    EXPECT_NE(r.err.find("tests/vm/run-in-vm.sh"), std::string::npos) << r.err;
}

}  // namespace
