// /dev's devices (unikernel/dev/): null, zero, full, random and urandom from inside a domain
// (unikernel/tests/dev_check.c), with and without an image /dev of its own, and the busybox shell
// that needs /dev/null for a background job.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "harness.hpp"

namespace {

using er::test::enclave;

const std::string kCheck = er::test::kChecks + "/dev-check";
const std::string kTree = ER_TESTDATA_DIR "/fs/basic";
const std::string kBusybox = "/bin/busybox";

TEST(Dev, ChecksPassInADomain) {
    auto r = enclave({"run", kCheck});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("SUCCESS"), std::string::npos) << r.out;
}

// An image /dev (here made by the /dev/shm mount point, as an OCI image's empty /dev would be)
// keeps its own entries, and the devices win for their names.
TEST(Dev, DevicesOverAnImageDev) {
    auto r = enclave({"run", "--root", kTree, "--tmpfs", "/dev/shm", kCheck});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("SUCCESS"), std::string::npos) << r.out;
    ASSERT_EQ(access(kBusybox.c_str(), X_OK), 0) << "busybox-static is a test dependency";
    auto ls = enclave({"run", "--root", kTree, "--tmpfs", "/dev/shm", kBusybox, "--", "sh", "-c",
                       "echo x >/dev/shm/f && ls /dev && read l </dev/shm/f && echo $l"});
    EXPECT_EQ(ls.status, 0) << ls.err;
    EXPECT_EQ(ls.out, "full\nnull\nrandom\nshm\nurandom\nzero\nx\n");
}

// busybox sh sends a background job's stdin to /dev/null; without /dev it printed
// "can't open '/dev/null'" (docs/compat.md sh-bg-wait).
TEST(Dev, ShellBackgroundJobAndRedirections) {
    ASSERT_EQ(access(kBusybox.c_str(), X_OK), 0) << "busybox-static is a test dependency";
    // Shell builtins only: with no tree, the shell finds no other applets to run.
    auto r = enclave({"run", kBusybox, "--", "sh", "-c",
                      "sleep 0.1 & wait; echo done; echo lost >/dev/null; "
                      "read l </dev/null || echo eof; echo x >/dev/full || echo full"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "done\neof\nfull\n");
    EXPECT_EQ(r.err.find("/dev/null"), std::string::npos) << r.err;
}

}  // namespace
