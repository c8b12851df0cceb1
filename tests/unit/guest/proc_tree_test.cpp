// /proc's names through the path walk: /proc over the tree's root, self as a link to the caller's
// pid, only the domain's own pids exist (another domain's are -ENOENT), the per-process files,
// ".." back up to /, and the getdents order.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "fs/path_walk.hpp"
#include "proc/proc_tree.hpp"
#include "sys/errno.hpp"

namespace {

using namespace uk::fs;
namespace proc = uk::proc;

// The fake domain: processes 1, 7 and 42; the caller is 7.
uint32_t fake_pids(uint32_t* out, uint32_t max) {
    const uint32_t pids[] = {1, 7, 42};
    uint32_t n = 0;
    for (uint32_t p : pids) {
        if (n < max) out[n++] = p;
    }
    return n;
}
bool fake_exists(uint32_t pid) {
    return pid == 1 || pid == 7 || pid == 42;
}
uint32_t fake_self() {
    return 7;
}
const char* fake_exe(uint32_t, size_t* len) {
    *len = 8;
    return "/bin/app";
}
const proc::ProcView kFake{fake_pids, fake_exists, fake_self, fake_exe};

void* page_alloc(void*) {
    return std::calloc(1, kTmpPageSize);
}
void page_free(void*, void* p) {
    std::free(p);
}

class ProcTree : public ::testing::Test {
  protected:
    void SetUp() override {
        ro_.make_empty();
        ASSERT_TRUE(tmp_.init(PageSource{page_alloc, page_free, nullptr}));
        tree_ = Tree{&ro_, &tmp_, 1, nullptr, &kFake};
    }
    void TearDown() override { tmp_.release(); }

    int walk(const std::string& p, NodeRef* out, bool follow = true) {
        return resolve(tree_, tree_.root(), p.data(), p.size(), follow, out);
    }
    std::string path(NodeRef n) {
        char buf[kPathMax];
        int64_t len = path_of(tree_, n, buf, sizeof buf);
        return len < 0 ? "error" : std::string(buf, size_t(len - 1));
    }

    ErfsImage ro_;
    Tmpfs tmp_;
    Tree tree_{};
};

TEST_F(ProcTree, SelfFollowsToTheCallersDirectory) {
    NodeRef n;
    ASSERT_EQ(walk("/proc/self", &n, false), 0);
    EXPECT_TRUE(tree_.is_symlink(n));
    size_t len;
    const char* t = tree_.link_target(n, &len);
    EXPECT_EQ(std::string(t, len), "7");
    ASSERT_EQ(walk("/proc/self/status", &n), 0);
    EXPECT_EQ(proc::pid_of(n), 7u);
    EXPECT_EQ(proc::entry_of(n), uint32_t(proc::kPidStatus));
    EXPECT_EQ(tree_.mode(n), kIfreg | 0444);
    EXPECT_EQ(path(tree_.parent(n)), "/proc/7");
    ASSERT_EQ(walk("/proc/self/exe", &n, false), 0);
    t = tree_.link_target(n, &len);
    EXPECT_EQ(std::string(t, len), "/bin/app");
}

TEST_F(ProcTree, OnlyTheDomainsPidsExist) {
    NodeRef n;
    EXPECT_EQ(walk("/proc/42/stat", &n), 0);
    EXPECT_EQ(walk("/proc/2/stat", &n), -uk::kENOENT);   // another domain's pid 2
    EXPECT_EQ(walk("/proc/007", &n), -uk::kENOENT);      // not how /proc spells 7
    EXPECT_EQ(walk("/proc/7/nosuch", &n), -uk::kENOENT);
    EXPECT_EQ(walk("/proc/meminfo/x", &n), -uk::kENOTDIR);
    EXPECT_EQ(walk("/proc/1/../../tmp", &n), 0);
    EXPECT_EQ(n.kind, NodeKind::tmp);
    ASSERT_EQ(walk("/proc/1", &n), 0);
    EXPECT_TRUE(tree_.is_dir(n));
    EXPECT_EQ(tree_.info(n).dev, proc::kProcDev);
}

TEST_F(ProcTree, ListsItsFilesThenThePids) {
    NodeRef root;
    ASSERT_EQ(walk("/proc", &root), 0);
    std::string names;
    for (uint64_t k = 0;; k++) {
        const char* name;
        size_t len;
        NodeRef n;
        if (!proc::dir_entry(kFake, root, k, &name, &len, &n)) break;
        names += std::string(name, len) + " ";
        // Every listed name looks up to the same node.
        NodeRef again;
        ASSERT_EQ(tree_.lookup(root, name, len, &again), 0) << std::string(name, len);
        EXPECT_EQ(again, n);
    }
    EXPECT_EQ(names, "cpuinfo loadavg meminfo self stat uptime version 1 7 42 ");
    NodeRef pid;
    ASSERT_EQ(walk("/proc/42", &pid), 0);
    names.clear();
    for (uint64_t k = 0;; k++) {
        const char* name;
        size_t len;
        NodeRef n;
        if (!proc::dir_entry(kFake, pid, k, &name, &len, &n)) break;
        names += std::string(name, len) + " ";
    }
    EXPECT_EQ(names, "cmdline comm exe maps stat statm status ");
}

TEST_F(ProcTree, NoViewNoProc) {
    tree_.proc = nullptr;
    NodeRef n;
    EXPECT_EQ(walk("/proc/self", &n), -uk::kENOENT);
}

}  // namespace
