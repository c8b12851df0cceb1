// Path resolution over the read-only tree with /tmp mounted in it: Linux's answers for ".",
// "..", slashes, symlinks (relative, absolute, loops, depth), long names, files used as
// directories, and getcwd's reverse walk.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "fs/path_walk.hpp"
#include "fs_image_builder.hpp"
#include "sys/errno.hpp"

namespace {

using namespace uk::fs;
using namespace fs_test;

void* test_alloc(void* ctx) {
    ++*static_cast<int*>(ctx);
    return std::calloc(1, kTmpPageSize);
}
void test_free(void* ctx, void* p) {
    --*static_cast<int*>(ctx);
    std::free(p);
}

class PathWalk : public ::testing::Test {
  protected:
    void SetUp() override { load(sample_items()); }
    void TearDown() override {
        tmp_.release();
        EXPECT_EQ(live_pages_, 0);
    }

    void load(const std::vector<Item>& items) {
        if (tmp_.root() != nullptr) tmp_.release();
        bytes_ = build(items).bytes();
        ASSERT_EQ(ro_.validate(bytes_.data(), bytes_.size()), ImageStatus::ok);
        ASSERT_TRUE(tmp_.init(PageSource{test_alloc, test_free, &live_pages_}));
        tree_ = Tree{&ro_, &tmp_};
    }

    int resolve_path(const std::string& p, NodeRef* out, bool follow = true,
                     NodeRef start = NodeRef{NodeKind::ro, 0, nullptr}) {
        return resolve(tree_, start, p.data(), p.size(), follow, out);
    }
    // The entry index a path names, or the -errno.
    int64_t ro_index(const std::string& p, bool follow = true) {
        NodeRef n;
        int r = resolve_path(p, &n, follow);
        if (r != 0) return r;
        return n.kind == NodeKind::ro ? int64_t(n.ro) : 1000;
    }
    std::string path_string(NodeRef n) {
        char buf[kPathMax];
        int64_t len = path_of(tree_, n, buf, sizeof buf);
        return len < 0 ? "error" : std::string(buf, size_t(len - 1));
    }

    std::vector<uint8_t> bytes_;
    ErfsImage ro_;
    Tmpfs tmp_;
    Tree tree_{};
    int live_pages_ = 0;
};

TEST_F(PathWalk, AbsoluteRelativeDotsAndSlashes) {
    EXPECT_EQ(ro_index("/"), 0);
    EXPECT_EQ(ro_index("/hello.txt"), 3);
    EXPECT_EQ(ro_index("hello.txt"), 3);
    EXPECT_EQ(ro_index("//etc///motd"), 8);
    EXPECT_EQ(ro_index("/etc/./motd"), 8);
    EXPECT_EQ(ro_index("/etc/../etc/motd"), 8);
    EXPECT_EQ(ro_index("/.."), 0);
    EXPECT_EQ(ro_index("/../../bin"), 1);
    EXPECT_EQ(ro_index("."), 0);
    EXPECT_EQ(ro_index("etc/"), 2);
    EXPECT_EQ(ro_index("/etc//"), 2);
    NodeRef etc{NodeKind::ro, 2, nullptr}, n;
    ASSERT_EQ(resolve_path("motd", &n, true, etc), 0);
    EXPECT_EQ(n.ro, 8u);
    ASSERT_EQ(resolve_path("..", &n, true, etc), 0);
    EXPECT_EQ(n.ro, 0u);
}

TEST_F(PathWalk, LinuxErrors) {
    EXPECT_EQ(ro_index(""), -uk::kENOENT);
    EXPECT_EQ(ro_index("/nope"), -uk::kENOENT);
    EXPECT_EQ(ro_index("/nope/x"), -uk::kENOENT);
    EXPECT_EQ(ro_index("/hello.txt/x"), -uk::kENOTDIR);
    EXPECT_EQ(ro_index("/hello.txt/"), -uk::kENOTDIR);
    EXPECT_EQ(ro_index("/hello.txt/.."), -uk::kENOTDIR);
    EXPECT_EQ(ro_index("/" + std::string(256, 'a')), -uk::kENAMETOOLONG);
    EXPECT_EQ(ro_index("/" + std::string(255, 'a')), -uk::kENOENT);
    EXPECT_EQ(ro_index(std::string(kPathMax, '/')), -uk::kENAMETOOLONG);
}

TEST_F(PathWalk, Symlinks) {
    EXPECT_EQ(ro_index("/lnk-abs"), 8);
    EXPECT_EQ(ro_index("/lnk-abs", false), 4);  // lstat
    EXPECT_EQ(ro_index("/lnk-dir/motd"), 8);
    EXPECT_EQ(ro_index("/lnk-dir", false), 5);
    EXPECT_EQ(ro_index("/lnk-dir/", false), 2);  // a trailing slash follows
    EXPECT_EQ(ro_index("/etc/up"), 3);           // relative to the link's directory
    EXPECT_EQ(ro_index("/lnk-dir/up"), 3);
    EXPECT_EQ(ro_index("/loop"), -uk::kELOOP);
    EXPECT_EQ(ro_index("/loop", false), 6);
    EXPECT_EQ(ro_index("/loop/x"), -uk::kELOOP);
}

TEST_F(PathWalk, SymlinkDepthLimit) {
    // l0 -> l1 -> ... -> l8 -> target: 9 links; each target names the next link.
    std::vector<Item> items = {dir("", 0)};
    for (int i = 0; i < 9; i++) items.push_back(link("l" + std::to_string(i), 0, ""));
    items.push_back(file("target", 0, "x"));
    for (int i = 0; i < 9; i++) {
        items[1 + i].data = i == 8 ? "target" : "l" + std::to_string(i + 1);
    }
    load(items);
    EXPECT_EQ(ro_index("/l1"), 10);           // 8 links: the limit
    EXPECT_EQ(ro_index("/l0"), -uk::kELOOP);  // 9 links
    EXPECT_EQ(ro_index("/l0", false), 1);     // not followed at all
    // Nesting through the middle of a path: n_i -> "n_{i+1}/." and n9 -> t (a directory).
    std::vector<Item> nested = {dir("", 0), dir("d", 0)};
    for (int i = 0; i < 10; i++) nested.push_back(link("n" + std::to_string(i), 1, ""));
    nested.push_back(dir("t", 1));
    for (int i = 0; i < 10; i++) {
        nested[2 + i].data = i == 9 ? "t" : "n" + std::to_string(i + 1) + "/.";
    }
    load(nested);
    EXPECT_EQ(ro_index("/d/n9"), 12);
    EXPECT_EQ(ro_index("/d/n2"), 12);           // 8 nested
    EXPECT_EQ(ro_index("/d/n1"), -uk::kELOOP);  // 9 nested
}

TEST_F(PathWalk, TmpIsMountedOverTheTree) {
    NodeRef t;
    ASSERT_EQ(resolve_path("/tmp", &t), 0);
    EXPECT_EQ(t.kind, NodeKind::tmp);
    EXPECT_EQ(t.tmp, tmp_.root());
    EXPECT_TRUE(tree_.is_dir(t));
    TmpNode* d;
    ASSERT_EQ(tmp_.create(tmp_.root(), "dir", 3, kIfdir | 0755, 0, &d), 0);
    TmpNode* f;
    ASSERT_EQ(tmp_.create(d, "f", 1, kIfreg | 0644, 0, &f), 0);
    NodeRef n;
    ASSERT_EQ(resolve_path("/tmp/dir/f", &n), 0);
    EXPECT_EQ(n.tmp, f);
    ASSERT_EQ(resolve_path("/tmp/dir/../../etc/motd", &n), 0);
    EXPECT_EQ(n.ro, 8u);
    EXPECT_EQ(resolve_path("/tmp/dir/f/x", &n), -uk::kENOTDIR);
    EXPECT_EQ(resolve_path("/tmp/nope", &n), -uk::kENOENT);
    EXPECT_EQ(tmp_.create(d, "f", 1, kIfreg | 0644, 0, &f), -uk::kEEXIST);
    EXPECT_EQ(path_string(NodeRef{NodeKind::tmp, 0, d}), "/tmp/dir");
    EXPECT_EQ(path_string(NodeRef{NodeKind::tmp, 0, tmp_.root()}), "/tmp");
}

TEST_F(PathWalk, ResolveParentGivesTheLastComponent) {
    NodeRef dir;
    const char* last;
    size_t len;
    std::string p = "/tmp/new-file";
    ASSERT_EQ(resolve_parent(tree_, tree_.root(), p.data(), p.size(), &dir, &last, &len), 0);
    EXPECT_EQ(dir.tmp, tmp_.root());
    EXPECT_EQ(std::string(last, len), "new-file");
    p = "/etc/x/";
    ASSERT_EQ(resolve_parent(tree_, tree_.root(), p.data(), p.size(), &dir, &last, &len), 0);
    EXPECT_EQ(dir.ro, 2u);
    EXPECT_EQ(std::string(last, len), "x");
    p = "/nope/x";
    EXPECT_EQ(resolve_parent(tree_, tree_.root(), p.data(), p.size(), &dir, &last, &len),
              -uk::kENOENT);
    p = "/";
    ASSERT_EQ(resolve_parent(tree_, tree_.root(), p.data(), p.size(), &dir, &last, &len), 0);
    EXPECT_EQ(std::string(last, len), ".");
}

TEST_F(PathWalk, PathOf) {
    EXPECT_EQ(path_string(tree_.root()), "/");
    EXPECT_EQ(path_string(NodeRef{NodeKind::ro, 8, nullptr}), "/etc/motd");
    char small[4];
    EXPECT_EQ(path_of(tree_, NodeRef{NodeKind::ro, 8, nullptr}, small, sizeof small), -uk::kERANGE);
    char two[2];
    EXPECT_EQ(path_of(tree_, tree_.root(), two, sizeof two), 2);
    EXPECT_STREQ(two, "/");
}

TEST_F(PathWalk, TmpFilesGrowShrinkAndFreeEverything) {
    TmpNode* f;
    ASSERT_EQ(tmp_.create(tmp_.root(), "f", 1, kIfreg | 0644, 0, &f), 0);
    uint64_t len;
    uint8_t* p = tmp_.write_span(f, 5000, &len);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(len, kTmpPageSize - (5000 % kTmpPageSize));
    std::memcpy(p, "abc", 3);
    f->size = 5003;
    const uint8_t* r = tmp_.read_span(f, 0, &len);
    EXPECT_EQ(r, nullptr);  // page 0 is a hole
    EXPECT_EQ(len, kTmpPageSize);
    r = tmp_.read_span(f, 5000, &len);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(len, 3u);
    EXPECT_EQ(std::memcmp(r, "abc", 3), 0);
    EXPECT_EQ(tmp_.truncate(f, 5001), 0);
    EXPECT_EQ(tmp_.truncate(f, 5003), 0);
    r = tmp_.read_span(f, 5000, &len);
    EXPECT_EQ(std::memcmp(r, "a\0\0", 3), 0);  // the cut bytes read back as zeros
    EXPECT_EQ(tmp_.truncate(f, kTmpMaxFileSize + 1), -uk::kEFBIG);
    EXPECT_EQ(tmp_.write_span(f, kTmpMaxFileSize, &len), nullptr);
    EXPECT_EQ(len, 0u);
    // Unlinked while open: lives until closed.
    tmp_.opened(f);
    EXPECT_EQ(tmp_.remove(tmp_.root(), "f", 1, false), 0);
    EXPECT_EQ(tmp_.lookup(tmp_.root(), "f", 1), nullptr);
    int before = live_pages_;
    tmp_.closed(f);
    EXPECT_EQ(live_pages_, before - 2);
}

TEST_F(PathWalk, TmpRemoveErrorsAndDeepTreesFree) {
    TmpNode* d;
    ASSERT_EQ(tmp_.create(tmp_.root(), "d", 1, kIfdir | 0755, 0, &d), 0);
    TmpNode* f;
    ASSERT_EQ(tmp_.create(d, "f", 1, kIfreg | 0644, 0, &f), 0);
    EXPECT_EQ(tmp_.remove(tmp_.root(), "d", 1, false), -uk::kEISDIR);
    EXPECT_EQ(tmp_.remove(tmp_.root(), "d", 1, true), -uk::kENOTEMPTY);
    EXPECT_EQ(tmp_.remove(d, "f", 1, true), -uk::kENOTDIR);
    EXPECT_EQ(tmp_.remove(d, "g", 1, false), -uk::kENOENT);
    // A deep chain: release() must not recurse.
    TmpNode* cur = d;
    for (int i = 0; i < 3000; i++) {
        TmpNode* next;
        ASSERT_EQ(tmp_.create(cur, "x", 1, kIfdir | 0755, 0, &next), 0);
        cur = next;
    }
}

}  // namespace
