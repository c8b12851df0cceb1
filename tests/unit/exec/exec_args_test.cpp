// execve's argument buffer: the blob layout, the script rewrite of argv and the size limits.
#include "exec/exec_args.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "domain/args_blob.hpp"
#include "sys/errno.hpp"

namespace {

using uk::exec::ArgBuffer;

std::vector<std::string> strings(const ArgBuffer& b) {
    std::vector<std::string> out;
    for (uint64_t at = 0; at < b.size;) {
        std::string s(b.data + at);
        at += s.size() + 1;
        out.push_back(s);
    }
    return out;
}

std::unique_ptr<ArgBuffer> make(std::vector<std::string> argv, std::vector<std::string> env) {
    auto b = std::make_unique<ArgBuffer>();
    b->clear();
    for (auto& a : argv) EXPECT_EQ(b->append(a.data(), a.size(), false), 0);
    for (auto& e : env) EXPECT_EQ(b->append(e.data(), e.size(), true), 0);
    return b;
}

TEST(ExecArgs, ArgvThenEnvpBackToBackAsTheLauncherBlob) {
    auto b = make({"prog", "a", ""}, {"X=1"});
    EXPECT_EQ(b->argc, 3u);
    EXPECT_EQ(b->envc, 1u);
    EXPECT_EQ(strings(*b), (std::vector<std::string>{"prog", "a", "", "X=1"}));
    EXPECT_TRUE(uk::domain::args_blob_valid(b->blob()));
    EXPECT_TRUE(b->fits_stack());
}

TEST(ExecArgs, AScriptRunsAsInterpreterArgumentPathThenTheRest) {
    auto b = make({"./run.sh", "x", "y"}, {"HOME=/"});
    ASSERT_EQ(b->replace_argv0("/bin/sh", 7, "-e", 2, "/tmp/run.sh", 11), 0);
    EXPECT_EQ(strings(*b),
              (std::vector<std::string>{"/bin/sh", "-e", "/tmp/run.sh", "x", "y", "HOME=/"}));
    EXPECT_EQ(b->argc, 5u);
    EXPECT_EQ(b->envc, 1u);
    EXPECT_TRUE(uk::domain::args_blob_valid(b->blob()));

    auto c = make({"s"}, {});
    ASSERT_EQ(c->replace_argv0("/bin/busybox", 12, "", 0, "s", 1), 0);
    EXPECT_EQ(strings(*c), (std::vector<std::string>{"/bin/busybox", "s"}));
    EXPECT_EQ(c->argc, 2u);
}

TEST(ExecArgs, TooMuchIsE2bigNotAnOverflow) {
    auto b = std::make_unique<ArgBuffer>();
    b->clear();
    std::string big(1000, 'x');
    int rc = 0;
    while ((rc = b->append(big.data(), big.size(), true)) == 0) {
    }
    EXPECT_EQ(rc, -uk::kE2BIG);
    EXPECT_LE(b->size, sizeof b->data);
    EXPECT_EQ(b->replace_argv0(big.data(), big.size(), "", 0, "p", 1), -uk::kE2BIG);

    // Many tiny strings fit the buffer but not the initial stack (a pointer each).
    auto t = std::make_unique<ArgBuffer>();
    t->clear();
    while (t->append("", 0, false) == 0) {
    }
    EXPECT_FALSE(t->fits_stack());
}

}  // namespace
