// /dev's names through the path walk (unikernel/dev/dev_tree.hpp): a synthetic /dev when the
// image has none; over an image's /dev the devices win for their names and the image keeps the
// rest; only the top-level /dev is special; Linux's numbers and modes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dev/dev_tree.hpp"
#include "fs/path_walk.hpp"
#include "fs_image_builder.hpp"
#include "sys/errno.hpp"

namespace {

using namespace uk::fs;
using namespace fs_test;
namespace dev = uk::dev;

class DevTree : public ::testing::Test {
  protected:
    void use(const std::vector<Item>& items) {
        bytes_ = build(items).bytes();
        ASSERT_EQ(ro_.validate(bytes_.data(), bytes_.size()), ImageStatus::ok);
        tree_ = Tree{&ro_, nullptr, 1, nullptr, nullptr};
    }
    void use_empty() {
        ro_.make_empty();
        tree_ = Tree{&ro_, nullptr, 1, nullptr, nullptr};
    }
    int walk(const std::string& p, NodeRef* out) {
        return resolve(tree_, tree_.root(), p.data(), p.size(), true, out);
    }
    NodeRef at(const std::string& p) {
        NodeRef n;
        EXPECT_EQ(walk(p, &n), 0) << p;
        return n;
    }
    std::string path(NodeRef n) {
        char buf[kPathMax];
        int64_t len = path_of(tree_, n, buf, sizeof buf);
        return len > 0 ? std::string(buf, size_t(len) - 1) : "?";
    }

    std::vector<uint8_t> bytes_;
    ErfsImage ro_;
    Tree tree_{};
};

TEST_F(DevTree, SyntheticDevWhenTheImageHasNone) {
    use_empty();
    NodeRef d = at("/dev");
    EXPECT_EQ(d.kind, NodeKind::dev);
    EXPECT_TRUE(tree_.is_dir(d));
    EXPECT_EQ(path(d), "/dev");
    EXPECT_EQ(at("/dev/..").kind, NodeKind::ro);
    NodeRef n = at("/dev/null");
    EXPECT_EQ(n.kind, NodeKind::dev);
    EXPECT_EQ(path(tree_.parent(n)), "/dev");
    NodeRef x;
    EXPECT_EQ(walk("/dev/tty", &x), -uk::kENOENT);
    EXPECT_EQ(walk("/dev/null/x", &x), -uk::kENOTDIR);
    EXPECT_EQ(walk("/dev/null/", &x), -uk::kENOTDIR);
}

TEST_F(DevTree, LinuxNumbersAndModes) {
    use_empty();
    struct {
        const char* path;
        uint64_t rdev;
    } want[] = {{"/dev/null", 0x103},
                {"/dev/zero", 0x105},
                {"/dev/full", 0x107},
                {"/dev/random", 0x108},
                {"/dev/urandom", 0x109}};
    for (const auto& w : want) {
        NodeInfo i = tree_.info(at(w.path));
        EXPECT_EQ(i.mode, dev::kIfchr | 0666) << w.path;
        EXPECT_EQ(i.rdev, w.rdev) << w.path;
        EXPECT_EQ(i.size, 0u) << w.path;
        EXPECT_EQ(i.dev, dev::kDevDev) << w.path;
    }
    EXPECT_EQ(tree_.info(at("/dev")).rdev, 0u);
    // getdents64's order, and past the end.
    std::string names;
    const char* name;
    size_t len;
    NodeRef n;
    for (uint64_t k = 0; dev::entry(k, &name, &len, &n); k++) names += std::string(name, len) + " ";
    EXPECT_EQ(names, "full null random urandom zero ");
}

TEST_F(DevTree, DevicesWinOverAnImageDev) {
    // /  dev/  sub/  dev/null (a plain file)  dev/shm/  sub/dev/  sub/dev/null
    use({dir("", 0), dir("dev", 0), dir("sub", 0), file("null", 1, "not a device"), dir("shm", 1),
         dir("dev", 2), file("null", 5, "plain")});
    NodeRef d = at("/dev");
    EXPECT_EQ(d.kind, NodeKind::ro);
    EXPECT_TRUE(tree_.is_dev_dir(d));
    NodeRef null = at("/dev/null");
    EXPECT_EQ(null.kind, NodeKind::dev);
    EXPECT_EQ(tree_.parent(null), d);
    EXPECT_EQ(path(tree_.parent(null)), "/dev");
    EXPECT_EQ(at("/dev/zero").kind, NodeKind::dev);
    EXPECT_EQ(at("/dev/shm").kind, NodeKind::ro);
    // What getdents64 reaches through the image's entry is the device too.
    EXPECT_EQ(tree_.over(d.ro, 3).kind, NodeKind::dev);
    EXPECT_EQ(tree_.over(d.ro, 4).kind, NodeKind::ro);
    // Only the top-level /dev.
    EXPECT_FALSE(tree_.is_dev_dir(at("/sub/dev")));
    EXPECT_EQ(at("/sub/dev/null").kind, NodeKind::ro);
    NodeRef x;
    EXPECT_EQ(walk("/sub/dev/zero", &x), -uk::kENOENT);
}

}  // namespace
