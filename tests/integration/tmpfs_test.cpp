// tmpfs mounts (--tmpfs PATH[:OPTIONS], docs/launcher.md; config.json's tmpfs mounts map to it):
// each domain gets a private writable tmpfs at each path, with and without a packed tree.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "harness.hpp"

namespace {

using er::test::enclave;

const std::string kTree = ER_TESTDATA_DIR "/fs/basic";  // hello.txt, lorem.txt, sub/, symlinks
const std::string kBusybox = "/bin/busybox";
const std::regex kAllPassed("file-check: [0-9]+ checks, 0 failed");

// Writes, reads back, walks, mode, size= limit (unikernel/tests/file_check.c --mounts); no
// --root: the tree is just the mount points.  Two domains at once: each has its own /run.
TEST(Tmpfs, RunAndDevShmAreWritableMountsOfEachDomain) {
    std::string fc = er::test::kChecks + "/file-check";
    auto r = enclave({"run", "--tmpfs", "/run:mode=755,size=64k,nosuid,nodev", "--tmpfs",
                      "/dev/shm", fc, "--", "--mounts", "---", fc, "--", "--mounts"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    auto lines = std::sregex_iterator(r.out.begin(), r.out.end(), kAllPassed);
    EXPECT_EQ(std::distance(lines, std::sregex_iterator()), 2) << r.out;
}

// Over a packed tree: the mount point is added to it and listed with the tree's own entries.
TEST(Tmpfs, MountPointJoinsAPackedTree) {
    auto r = enclave({"run", "--root", kTree, "--tmpfs", "/run", kBusybox, "--", "ls", "/"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "dev\nhello.txt\nlink-to-hello\nlorem.txt\nproc\nrun\nsub\ntmp\n");
    auto mk = enclave({"run", "--root", kTree, "--tmpfs", "/sub/cache", kBusybox, "--", "mkdir",
                       "-p", "/sub/cache/a/b"});
    EXPECT_EQ(mk.status, 0) << mk.err;
}

TEST(Tmpfs, WhatCannotBeMountedIsRefusedWithTheReason) {
    auto file = enclave({"run", "--root", kTree, "--tmpfs", "/hello.txt", kBusybox});
    EXPECT_NE(file.status, 0);
    EXPECT_NE(file.err.find("tmpfs mount /hello.txt: "), std::string::npos) << file.err;
    EXPECT_NE(file.err.find("is a regular file in the tree"), std::string::npos) << file.err;
    auto ro = enclave({"run", "--tmpfs", "/run:ro", kBusybox});
    EXPECT_NE(ro.status, 0);
    EXPECT_NE(ro.err.find("tmpfs mount /run: option ro"), std::string::npos) << ro.err;
}

}  // namespace
