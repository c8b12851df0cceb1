// Descriptor bookkeeping: lowest free descriptor, shared descriptions, dup2 over an open
// descriptor, close-on-exec per descriptor, and the 64-descriptor limit.
#include <gtest/gtest.h>

#include "fs/fd_table.hpp"
#include "sys/errno.hpp"

namespace {

using namespace uk::fs;

TEST(FdTable, StdioThenLowestFree) {
    FdTable t;
    t.init_stdio();
    EXPECT_EQ(t.get(0)->kind, FileKind::console_in);
    EXPECT_EQ(t.get(1)->kind, FileKind::console_out);
    EXPECT_EQ(t.get(2)->kind, FileKind::console_err);
    EXPECT_EQ(t.get(3), nullptr);
    EXPECT_EQ(t.get(-1), nullptr);
    EXPECT_EQ(t.get(kMaxFds), nullptr);
    OpenFile* f = t.new_file();
    ASSERT_NE(f, nullptr);
    f->kind = FileKind::node;
    EXPECT_EQ(t.install(f, 0, false), 3);
    EXPECT_EQ(t.install(f, 10, true), 10);  // a dup at or above 10
    EXPECT_TRUE(t.cloexec(10));
    EXPECT_FALSE(t.cloexec(3));
    EXPECT_EQ(f->refs, 2);
    bool bad;
    EXPECT_EQ(t.close(3, &bad), nullptr);  // still on fd 10
    EXPECT_FALSE(bad);
    EXPECT_EQ(t.close(10, &bad), f);  // the last one: the caller releases it
    t.drop(f);
    EXPECT_EQ(t.close(10, &bad), nullptr);
    EXPECT_TRUE(bad);
}

TEST(FdTable, Dup2OverAnOpenDescriptorAndTheLimit) {
    FdTable t;
    t.init_stdio();
    OpenFile* console = t.get(1);
    // dup2(1, 0): stdin's description loses its only descriptor.
    OpenFile* old = t.install_at(console, 0, false);
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(old->kind, FileKind::console_in);
    t.drop(old);
    EXPECT_EQ(t.get(0), console);
    EXPECT_EQ(console->refs, 2);
    int fd = 0;
    for (int i = 3; i < kMaxFds; i++) fd = t.install(console, 0, false);
    EXPECT_EQ(fd, kMaxFds - 1);
    EXPECT_EQ(t.install(console, 0, false), -uk::kEMFILE);
}

}  // namespace
