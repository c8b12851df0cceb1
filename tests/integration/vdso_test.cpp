// The vDSO end to end (unikernel/vdso/, docs/syscalls.md "vDSO"): apps find it through
// AT_SYSINFO_EHDR, resolve and call it, and the guest's --stats syscall count shows that the
// calls made no syscall.  Each test boots one VM; together about 10 s in the test VM.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "domain_output.hpp"
#include "harness.hpp"

namespace {

using er::test::enclave;
using er::test::kChecks;
using er::test::Result;
using er::test::stat_value;

// The anchor's clock syscall, the checks' own syscalls (about 40) and start-up and exit stay far
// below this; one syscall per vDSO call would be tens of thousands.
constexpr long kFewSyscalls = 200;

bool tsc_mode(const Result& r) {
    return r.out.find("clock mode tsc") != std::string::npos;
}

TEST(Vdso, CheckAppResolvesAndCallsItWithoutASyscall) {
    Result r = enclave({"run", "--stats", kChecks + "/vdso-check", "100000"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("vdso-check: [0-9]+ checks, 0 failed")))
        << r.out;
    EXPECT_NE(r.out.find("100000 vDSO clock_gettime calls"), std::string::npos) << r.out;
    long syscalls = stat_value(r.err, "syscalls");
    long exits = stat_value(r.err, "exits");
    ASSERT_GE(syscalls, 0) << r.err;
    // Without a usable TSC the vDSO asks the kernel every time: then only correctness is checked.
    if (tsc_mode(r)) {
        EXPECT_LT(syscalls, kFewSyscalls) << r.err;
        EXPECT_LT(exits, 100) << r.err;  // one clock anchor, console writes, the exit
    }
    std::printf("vdso-check: 100000 vDSO calls, %ld syscalls, %ld exits in the whole run\n",
                syscalls, exits);
}

// musl's and glibc's own clock_gettime, gettimeofday and time find the vDSO in a static binary.
TEST(Vdso, MuslAndGlibcStaticProgramsUseIt) {
    for (const char* app : {"vdso-check", "vdso-check-glibc"}) {
        Result r = enclave({"run", "--stats", kChecks + "/" + app, "libc", "20000"});
        EXPECT_EQ(r.status, 0) << app << r.out << r.err;
        EXPECT_NE(r.out.find("20000 libc clock_gettime+gettimeofday+time calls"), std::string::npos)
            << app << r.out;
        long syscalls = stat_value(r.err, "syscalls");
        ASSERT_GE(syscalls, 0) << r.err;
        EXPECT_LT(syscalls, kFewSyscalls) << app << ": 60000 libc time calls\n" << r.err;
        std::printf("%s: 60000 libc time calls, %ld syscalls in the whole run\n", app, syscalls);
    }
}

// dietlibc has no fallback: without a vDSO its first clock call reads address 0x3c and dies.
TEST(Vdso, DietlibcProgramRuns) {
    std::string diet = kChecks + "/vdso-diet";
    if (!std::filesystem::exists(diet)) GTEST_SKIP() << "dietlibc-dev not installed";
    Result r = enclave({"run", diet});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("vdso-diet: 10000 calls, ok"), std::string::npos) << r.out << r.err;
}

// MPK domains share one address space: each gets the same frames in its own window with its own
// key (a page with another key would fault under the domain's PKRU).
TEST(Vdso, EachMpkDomainGetsItInItsWindow) {
    std::string pie = kChecks + "/vdso-check-pie";
    Result r = enclave({"run", pie, "1000", "---", pie, "1000"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    const std::regex passed("vdso-check: [0-9]+ checks, 0 failed");
    auto n = std::distance(std::sregex_iterator(r.out.begin(), r.out.end(), passed),
                           std::sregex_iterator());
    EXPECT_EQ(n, 2) << r.out;
    EXPECT_NE(r.err.find("mpk (space 0, key 1)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("mpk (space 0, key 2)"), std::string::npos) << r.err;
}

}  // namespace
