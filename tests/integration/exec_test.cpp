// execve end to end (unikernel/exec/; docs/syscalls.md "Processes"): unikernel/tests/exec_check.c
// run from a tree holding it as /bin/exec-check: every refusal keeps the caller's image, and a
// "#!" script in /tmp runs its interpreter from the tree with argv, envp, close-on-exec and the
// signal reset as Linux has them.  About 1 s in the test VM.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <regex>
#include <string>

#include "harness.hpp"

namespace {

namespace fs = std::filesystem;
using er::test::enclave;
using er::test::kChecks;
using er::test::kScratch;

void put(const fs::path& p, const std::string& bytes, fs::perms mode) {
    fs::create_directories(p.parent_path());
    er::test::write_file(fs::relative(p, kScratch).string(), bytes);
    fs::permissions(p, mode);
}

// The tree: the check app as /bin/exec-check and the files its refusals need.
std::string make_tree() {
    fs::path tree = fs::path(kScratch) / "exec-tree";
    fs::remove_all(tree);
    fs::create_directories(tree / "bin");
    fs::copy_file(kChecks + "/exec-check", tree / "bin/exec-check");
    fs::permissions(tree / "bin/exec-check", fs::perms(0755));
    put(tree / "data/noexec", "#!/bin/exec-check\n", fs::perms(0644));
    put(tree / "data/text", "hello\n", fs::perms(0755));
    put(tree / "data/empty-shebang", "#!\n", fs::perms(0755));
    put(tree / "data/bad-interp", "#!/no/interp\n", fs::perms(0755));
    return tree.string();
}

TEST(Exec, RefusalsKeepTheImageAndAScriptRunsWithArgsEnvAndCloexec) {
    std::string tree = make_tree();
    auto r = enclave({"run", "--root", tree, tree + "/bin/exec-check"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("stage 1: [0-9]+ checks, 0 failed"))) << r.out;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("stage 2: [0-9]+ checks, 0 failed"))) << r.out;
}

}  // namespace
