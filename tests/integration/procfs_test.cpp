// /proc, fcntl record locks, getrusage/times, chmod/chown in /tmp, /tmp files past the old cap and
// file-backed mmap, from inside a domain (unikernel/tests/procfs_check.c), and Debian's busybox
// ps, free, top, uptime and cat reading /proc (unikernel/proc/).
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <string>

#include "harness.hpp"

namespace {

using er::test::enclave;

const std::string kCheck = er::test::kChecks + "/procfs-check";
const std::string kTree = ER_TESTDATA_DIR "/fs/basic";
const std::string kBusybox = "/bin/busybox";
const std::regex kPassed("procfs-check: [0-9]+ checks, 0 failed");

TEST(Procfs, ChecksPassInADomain) {
    // Arguments with a space and an empty one: /proc/self/cmdline must give them back exactly.
    auto r = enclave({"run", kCheck, "--", "one", "two words", ""});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, kPassed)) << r.out;
}

TEST(Procfs, ChecksPassOnATreeAndMapItsFiles) {
    auto r = enclave({"run", "--root", kTree, kCheck, "--", "--tree"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, kPassed)) << r.out;
}

// Two domains side by side: each lists exactly one process, itself (procfs-check asserts it), so
// neither sees the other's.
TEST(Procfs, EachDomainSeesOnlyItsOwnProcesses) {
    auto r = enclave({"run", kCheck, "---", kCheck});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    auto lines = std::sregex_iterator(r.out.begin(), r.out.end(), kPassed);
    EXPECT_EQ(std::distance(lines, std::sregex_iterator()), 2) << r.out;
}

TEST(Procfs, BusyboxPsFreeAndCatReadProc) {
    ASSERT_EQ(access(kBusybox.c_str(), X_OK), 0) << "busybox-static is a test dependency";
    auto ps = enclave({"run", kBusybox, "--", "ps", "-o", "pid,comm,args"});
    EXPECT_EQ(ps.status, 0) << ps.err;
    // What the same command prints natively as pid 1 of its own pid namespace.
    EXPECT_EQ(ps.out, "PID   COMMAND          COMMAND\n"
                      "    1 busybox          /bin/busybox ps -o pid,comm,args\n");
    auto cmd = enclave({"run", kBusybox, "--", "cat", "/proc/self/cmdline"});
    EXPECT_EQ(cmd.status, 0) << cmd.err;
    EXPECT_EQ(cmd.out, std::string("/bin/busybox\0cat\0/proc/self/cmdline\0", 36));
    // free: the guest's RAM as the domain's (no per-domain limit here), something used.
    auto free = enclave({"run", kBusybox, "--", "free"});
    EXPECT_EQ(free.status, 0) << free.err;
    std::smatch m;
    // total used free shared buff/cache available; used = total - free - buff/cache.
    ASSERT_TRUE(std::regex_search(
        free.out, m, std::regex("Mem: +([0-9]+) +([0-9]+) +([0-9]+) +([0-9]+) +([0-9]+)")))
        << free.out;
    EXPECT_GT(std::stoul(m[1]), 16000u);
    EXPECT_GT(std::stoul(m[2]), 0u);
    EXPECT_EQ(std::stoul(m[1]), std::stoul(m[2]) + std::stoul(m[3]) + std::stoul(m[5]))
        << free.out;
    // top reads /proc/stat, meminfo, loadavg and every PID/stat: one process, itself.
    auto top = enclave({"run", kBusybox, "--", "top", "-b", "-n", "1"});
    EXPECT_EQ(top.status, 0) << top.err;
    EXPECT_TRUE(std::regex_search(top.out, std::regex("Mem: [0-9]+K used, [0-9]+K free")))
        << top.out;
    EXPECT_TRUE(std::regex_search(top.out, std::regex("\n +1 +0 +0 +R .*/bin/busybox top -b -n 1")))
        << top.out;
    auto up = enclave({"run", kBusybox, "--", "uptime"});
    EXPECT_EQ(up.status, 0) << up.err;
    EXPECT_TRUE(std::regex_search(up.out, std::regex("up .*load average: 0.00, 0.00, 0.00")))
        << up.out;
}

}  // namespace
