// The launcher's packer (launcher/fs/er_fs_pack.cpp) against the guest's reader: what the host
// packs from tests/data/fs/basic, the guest must accept and resolve exactly as the host sees it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fs/path_walk.hpp"
#include "launcher/fs/er_fs_pack.hpp"

namespace {

using namespace uk::fs;

class PackedBasicTree : public ::testing::Test {
  protected:
    void SetUp() override {
        image_ = er::launcher::pack_er_fs(std::string(ER_FS_TEST_DATA) + "/basic");
        ASSERT_EQ(ro_.validate(image_.data(), image_.size()), ImageStatus::ok);
        tree_ = Tree{&ro_, nullptr};
    }

    std::string contents(const std::string& path) {
        NodeRef n;
        if (resolve(tree_, tree_.root(), path.data(), path.size(), true, &n) != 0) return "?";
        er_fs_entry e = ro_.entry(n.ro);
        return std::string(reinterpret_cast<const char*>(ro_.data(e)), e.size);
    }

    std::vector<uint8_t> image_;
    ErfsImage ro_;
    Tree tree_{};
};

TEST_F(PackedBasicTree, FilesSymlinksAndDirectories) {
    EXPECT_EQ(contents("/hello.txt"), "hello from the enclave\n");
    EXPECT_EQ(contents("/link-to-hello"), "hello from the enclave\n");
    EXPECT_EQ(contents("/sub/nested.txt"), "nested file\n");
    EXPECT_EQ(contents("/sub/up").substr(0, 11), "Lorem ipsum");
    NodeRef n;
    std::string p = "/sub/up";
    ASSERT_EQ(resolve(tree_, tree_.root(), p.data(), p.size(), false, &n), 0);
    EXPECT_TRUE(tree_.is_symlink(n));
    size_t len;
    EXPECT_EQ(std::string(tree_.link_target(n, &len), 12), "../lorem.txt");
    p = "/sub";
    ASSERT_EQ(resolve(tree_, tree_.root(), p.data(), p.size(), true, &n), 0);
    EXPECT_TRUE(tree_.is_dir(n));
    EXPECT_EQ(ro_.entry(n.ro).child_count, 2u);
}

TEST_F(PackedBasicTree, EveryTruncationOfARealImageIsRefused) {
    for (size_t len = 0; len < image_.size(); len++) {
        ErfsImage r;
        EXPECT_NE(r.validate(image_.data(), len), ImageStatus::ok) << len;
    }
}

}  // namespace
