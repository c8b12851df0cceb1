// Descriptor bookkeeping: lowest free descriptor, shared descriptions, dup2 over an open
// descriptor, close-on-exec per descriptor, the 64-descriptor limit, and the domain-wide pool that
// lets fork share descriptions between tables (a pipe end held by two processes is released only
// when both have closed it).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "fs/domain_files.hpp"
#include "fs/fd_table.hpp"
#include "sys/errno.hpp"

namespace {

std::vector<uk::fs::FileKind> g_released;  // what release_object was asked to end

}  // namespace

// The guest's version (poll/objects.cpp) ends pipes, epolls and timers; here it only records.
void uk::fs::release_object(DomainFiles&, OpenFile* file) {
    g_released.push_back(file->kind);
}

namespace {

using namespace uk::fs;

TEST(FdTable, StdioThenLowestFree) {
    FilePool pool;
    pool.init();
    FdTable t;
    ASSERT_TRUE(t.init_stdio(pool));
    EXPECT_EQ(t.get(0)->kind, FileKind::console_in);
    EXPECT_EQ(t.get(1)->kind, FileKind::console_out);
    EXPECT_EQ(t.get(2)->kind, FileKind::console_err);
    EXPECT_EQ(t.get(3), nullptr);
    EXPECT_EQ(t.get(-1), nullptr);
    EXPECT_EQ(t.get(kMaxFds), nullptr);
    OpenFile* f = pool.alloc();
    ASSERT_NE(f, nullptr);
    f->kind = FileKind::node;
    EXPECT_NE(pool.alloc(), f);  // claimed by its kind
    EXPECT_EQ(t.install(f, 0, false), 3);
    EXPECT_EQ(t.install(f, 10, true), 10);  // a dup at or above 10
    EXPECT_TRUE(t.cloexec(10));
    EXPECT_FALSE(t.cloexec(3));
    EXPECT_EQ(f->refs, 2);
    bool bad;
    EXPECT_EQ(t.close(3, &bad), nullptr);  // still on fd 10
    EXPECT_FALSE(bad);
    EXPECT_EQ(t.close(10, &bad), f);  // the last one: the caller releases it
    pool.free(f);
    EXPECT_EQ(t.close(10, &bad), nullptr);
    EXPECT_TRUE(bad);
}

TEST(FdTable, Dup2OverAnOpenDescriptorAndTheLimit) {
    FilePool pool;
    pool.init();
    FdTable t;
    ASSERT_TRUE(t.init_stdio(pool));
    OpenFile* console = t.get(1);
    // dup2(1, 0): stdin's description loses its only descriptor.
    OpenFile* old = t.install_at(console, 0, false);
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(old->kind, FileKind::console_in);
    pool.free(old);
    EXPECT_EQ(t.get(0), console);
    EXPECT_EQ(console->refs, 2);
    // dup2 of a description onto its own descriptor keeps it.
    EXPECT_EQ(t.install_at(console, 1, false), nullptr);
    EXPECT_EQ(console->refs, 2);
    int fd = 0;
    for (int i = 3; i < kMaxFds; i++) fd = t.install(console, 0, false);
    EXPECT_EQ(fd, kMaxFds - 1);
    EXPECT_EQ(t.install(console, 0, false), -uk::kEMFILE);
}

TEST(FdTable, PoolRunsOutAtItsSize) {
    FilePool pool;
    pool.init();
    for (int i = 0; i < kMaxOpenFiles; i++) {
        OpenFile* f = pool.alloc();
        ASSERT_NE(f, nullptr) << i;
        f->kind = FileKind::node;
    }
    EXPECT_EQ(pool.alloc(), nullptr);
}

struct Domain {
    std::unique_ptr<DomainFiles> df = std::make_unique<DomainFiles>();
    Domain() {
        const char* why = nullptr;
        EXPECT_TRUE(init(*df, 0, nullptr, 0, "app", &why)) << why;
    }
    ~Domain() { release(*df); }
    // A pipe's two descriptions on the lowest free descriptors of t.
    void pipe(FdTable& t, int* r, int* w, bool cloexec = false) {
        OpenFile* rf = df->pool.alloc();
        rf->kind = FileKind::pipe_read;
        OpenFile* wf = df->pool.alloc();
        wf->kind = FileKind::pipe_write;
        *r = t.install(rf, 0, cloexec);
        *w = t.install(wf, 0, cloexec);
    }
};

TEST(FdTable, ForkSharesDescriptionsUntilEveryTableClosesThem) {
    Domain d;
    FdTable& parent = d.df->fds;
    int r, w;
    d.pipe(parent, &r, &w);
    parent.set_cloexec(r, true);
    FdTable child;
    child.init();
    child.copy_for_fork(parent);
    EXPECT_EQ(child.get(w), parent.get(w));
    EXPECT_EQ(parent.get(w)->refs, 2);
    EXPECT_TRUE(child.cloexec(r));
    EXPECT_FALSE(child.cloexec(w));
    g_released.clear();
    // The parent closes its write end: the child still holds it, nothing is released (a reader
    // would not see EOF yet).
    bool bad;
    OpenFile* last = parent.close(w, &bad);
    EXPECT_EQ(last, nullptr);
    EXPECT_TRUE(g_released.empty());
    // The child exits: of all it held, only the write end had no other descriptor.
    release_fds(*d.df, child);
    ASSERT_EQ(g_released.size(), 1u);
    EXPECT_EQ(g_released[0], FileKind::pipe_write);
    EXPECT_EQ(parent.get(r)->refs, 1);
    EXPECT_EQ(parent.get(1)->refs, 1);
    // The parent execs: its close-on-exec read end goes, stdio stays.
    close_on_exec(*d.df, parent);
    ASSERT_EQ(g_released.size(), 2u);
    EXPECT_EQ(g_released[1], FileKind::pipe_read);
    EXPECT_EQ(parent.get(r), nullptr);
    EXPECT_NE(parent.get(1), nullptr);
}

}  // namespace
