// Files inside a domain, end to end: the unikernel's file layer checked from the inside
// (unikernel/tests/file_check.c), and Debian's unmodified busybox-static applets producing
// exactly the output they produce on the host, over a tree packed with --root.
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <string>
#include <vector>

#include "harness.hpp"

namespace {

using er::test::enclave;
using er::test::run;

const std::string kTree = ER_TESTDATA_DIR "/fs/basic";  // hello.txt, lorem.txt, sub/, symlinks
const std::string kBusybox = "/bin/busybox";

TEST(Files, FileLayerMatchesLinuxWithoutATree) {
    auto r = enclave({"run", er::test::kChecks + "/file-check"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("file-check: [0-9]+ checks, 0 failed")))
        << r.out;
}

TEST(Files, FileLayerMatchesLinuxOnAPackedTree) {
    auto r =
        enclave({"run", "--root", kTree, er::test::kChecks + "/file-check", "--", "--basic-tree"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("file-check: [0-9]+ checks, 0 failed")))
        << r.out;
}

// Each domain's /tmp is its own: two file-checks writing the same /tmp paths both pass.
TEST(Files, TwoDomainsHavePrivateTmp) {
    auto fc = er::test::kChecks + "/file-check";
    auto r = enclave({"run", fc, "---", fc});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    std::regex ok("file-check: [0-9]+ checks, 0 failed");
    auto lines = std::sregex_iterator(r.out.begin(), r.out.end(), ok);
    EXPECT_EQ(std::distance(lines, std::sregex_iterator()), 2) << r.out;
}

// What busybox prints on the host, run in the tree's directory with the same relative paths.
er::test::Result on_host(const std::vector<std::string>& applet_args) {
    std::string cmd = "cd '" + kTree + "' && exec " + kBusybox;
    for (const auto& a : applet_args) cmd += " '" + a + "'";
    return run({"/bin/sh", "-c", cmd});
}

er::test::Result in_enclave(const std::vector<std::string>& applet_args) {
    std::vector<std::string> args = {"run", "--root", kTree, kBusybox, "--"};
    args.insert(args.end(), applet_args.begin(), applet_args.end());
    return enclave(args);
}

class Busybox : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(Busybox, AppletOutputMatchesTheHost) {
    ASSERT_EQ(access(kBusybox.c_str(), X_OK), 0) << "busybox-static is a test dependency";
    auto host = on_host(GetParam());
    auto guest = in_enclave(GetParam());
    EXPECT_EQ(guest.status, host.status) << guest.err;
    EXPECT_EQ(guest.out, host.out);
    EXPECT_EQ(guest.err, host.err);
    EXPECT_FALSE(host.out.empty() && host.err.empty()) << "the comparison must compare something";
}

INSTANTIATE_TEST_SUITE_P(Applets, Busybox,
                         ::testing::Values(std::vector<std::string>{"echo", "hello", "world"},
                                           std::vector<std::string>{"cat", "hello.txt", "sub/up",
                                                                    "link-to-hello"},
                                           std::vector<std::string>{"wc", "lorem.txt", "hello.txt"},
                                           std::vector<std::string>{"sha256sum", "hello.txt",
                                                                    "lorem.txt", "sub/nested.txt"},
                                           std::vector<std::string>{"ls", "sub"},
                                           std::vector<std::string>{"ls", "-a", "sub"},
                                           std::vector<std::string>{"cat", "does-not-exist"}),
                         [](const auto& info) {
                             std::string n;
                             for (const auto& a : info.param) n += (n.empty() ? "" : "_") + a;
                             for (char& c : n)
                                 if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                             return n;
                         });

// `ls /` differs from the host only by the domain's own /tmp, /proc and /dev (docs/guest.md).
TEST(Files, RootListingShowsTheTreeAndTmp) {
    auto r = in_enclave({"ls", "/"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "dev\nhello.txt\nlink-to-hello\nlorem.txt\nproc\nsub\ntmp\n");
}

// The tree is read-only; /tmp is writable.
TEST(Files, TreeIsReadOnlyTmpIsWritable) {
    auto ro = in_enclave({"cp", "/hello.txt", "/new-file"});
    EXPECT_NE(ro.status, 0);
    EXPECT_NE(ro.err.find("Read-only file system"), std::string::npos) << ro.err;
    auto rw = in_enclave({"cp", "/hello.txt", "/tmp/copy"});
    EXPECT_EQ(rw.status, 0) << rw.err;
}

// touch: utimensat on /tmp works (after the create), on the read-only tree it is EROFS.
TEST(Files, TouchWorksInTmpAndIsRefusedOnTheTree) {
    auto tmp = in_enclave({"touch", "/tmp/new-file"});
    EXPECT_EQ(tmp.status, 0) << tmp.err;
    EXPECT_EQ(tmp.err, "");
    auto ro = in_enclave({"touch", "/hello.txt"});
    EXPECT_EQ(ro.status, 1);
    EXPECT_EQ(ro.err, "touch: /hello.txt: Read-only file system\n");
}

}  // namespace
