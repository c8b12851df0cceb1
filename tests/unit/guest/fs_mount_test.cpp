// tmpfs mount points (er_fs.h version 2): what the image may say about them, and a domain's
// files (the real fs::init/release) serving a private tmpfs at each one, walked into and out of
// like Linux, with its mode, its size= limit, its own pages, and every page freed at the end.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "fs/domain_files.hpp"
#include "fs/path_walk.hpp"
#include "fs/tmp_pages.hpp"
#include "fs_image_builder.hpp"
#include "sys/errno.hpp"

namespace {

int g_live_pages = 0;

void* test_alloc(void*) {
    ++g_live_pages;
    return std::calloc(1, uk::fs::kTmpPageSize);
}
void test_free(void*, void* p) {
    --g_live_pages;
    std::free(p);
}

}  // namespace

// domain_files.cpp takes its pages from here; the guest's own version uses the frame allocator.
uk::fs::PageSource uk::fs::tmp_page_source(uint32_t) {
    return PageSource{test_alloc, test_free, nullptr};
}

namespace {

using namespace uk::fs;
using namespace fs_test;

Item mount(const std::string& name, uint32_t parent, uint32_t perm = 01777) {
    return {name, parent, ER_FS_IFDIR | ER_FS_TMPFS | perm, ""};
}

// /  bin/  dev/  etc/  run(tmpfs 0755)  tmp(plain)  dev/shm(tmpfs, 16 KiB)  etc/motd
std::vector<Item> mount_items() {
    return {dir("", 0),      dir("bin", 0),          dir("dev", 0),
            dir("etc", 0),   mount("run", 0, 0755),  dir("tmp", 0),
            mount("shm", 2), file("motd", 3, "hi\n")};
}

std::vector<uint8_t> image_of(Image img) {
    return img.bytes();
}

ImageStatus validate(const Image& img) {
    std::vector<uint8_t> b = img.bytes();
    ErfsImage r;
    return r.validate(b.data(), b.size());
}

TEST(ErfsMounts, VersionTwoMountPointsAreListed) {
    Image img = build(mount_items());
    std::vector<uint8_t> b = img.bytes();
    ErfsImage r;
    ASSERT_EQ(r.validate(b.data(), b.size()), ImageStatus::ok);
    ASSERT_EQ(r.mount_count(), 2u);
    EXPECT_EQ(r.mount(0), 4u);
    EXPECT_EQ(r.mount(1), 6u);
}

TEST(ErfsMounts, RefusesMisplacedMountFlags) {
    Image v1 = build(mount_items());
    v1.header.version = 1;  // version 1 has no mount points
    EXPECT_EQ(validate(v1), ImageStatus::bad_mount);
    Image on_file = build({dir("", 0), {"f", 0, ER_FS_IFREG | ER_FS_TMPFS | 0644, "x"}});
    EXPECT_EQ(validate(on_file), ImageStatus::bad_mount);
    Image on_root = build({{"", 0, ER_FS_IFDIR | ER_FS_TMPFS | 0755, ""}});
    EXPECT_EQ(validate(on_root), ImageStatus::bad_mount);
    // A mount point hides nothing: it has no children in the image.
    Image with_child = build({dir("", 0), mount("run", 0), file("pid", 1, "1")});
    EXPECT_EQ(validate(with_child), ImageStatus::bad_mount);
    Image unknown = build({dir("", 0), {"d", 0, ER_FS_IFDIR | 0400000u | 0755, ""}});
    EXPECT_EQ(validate(unknown), ImageStatus::bad_mode);
    // Only a mount point's size (its limit) may be non-zero among directories.
    Image sized = build(mount_items());
    sized.entries[4].size = 8192;
    EXPECT_EQ(validate(sized), ImageStatus::ok);
    sized.entries[1].size = 8192;
    EXPECT_EQ(validate(sized), ImageStatus::directory_has_size);
    Image v3 = build(mount_items());
    v3.header.version = 3;
    EXPECT_EQ(validate(v3), ImageStatus::bad_version);
}

TEST(ErfsMounts, AtMostMaxMounts) {
    std::vector<Item> items = {dir("", 0)};
    for (uint32_t i = 0; i <= ER_FS_MAX_MOUNTS; i++)
        items.push_back(mount("m" + std::to_string(10 + i), 0));
    EXPECT_EQ(validate(build(items)), ImageStatus::too_many_mounts);
    items.pop_back();
    EXPECT_EQ(validate(build(items)), ImageStatus::ok);
}

class DomainMounts : public ::testing::Test {
  protected:
    void SetUp() override { load(build(mount_items())); }
    void TearDown() override {
        if (files_->ready) release(*files_);
        EXPECT_EQ(g_live_pages, 0);  // every page of every mount returned
    }
    void load(const Image& img) {
        if (files_->ready) release(*files_);
        bytes_ = image_of(img);
        const char* why = nullptr;
        ASSERT_TRUE(init(*files_, 1, bytes_.data(), bytes_.size(), "/bin/app", &why)) << why;
    }
    NodeRef at(const std::string& p) {
        NodeRef n;
        int r = resolve(files_->tree(), files_->tree().root(), p.data(), p.size(), true, &n);
        return r == 0 ? n : NodeRef{};
    }
    // Creates a file named `name` in `dir` of `p`'s tmpfs and writes `bytes` to it.
    int write_file(const std::string& p, const std::string& name, const std::string& bytes) {
        NodeRef d = at(p);
        if (d.kind != NodeKind::tmp) return -1;
        Tmpfs& fs = files_->fs(d);
        TmpNode* f;
        if (int r = fs.create(d.tmp, name.data(), name.size(), kIfreg | 0644, 0, &f); r != 0) {
            return r;
        }
        uint64_t done = 0;
        while (done < bytes.size()) {
            uint64_t len;
            uint8_t* s = fs.write_span(f, done, &len);
            if (s == nullptr) return len == 0 ? -uk::kEFBIG : -uk::kENOSPC;
            len = std::min<uint64_t>(len, bytes.size() - done);
            std::memcpy(s, bytes.data() + done, len);
            done += len;
        }
        f->size = bytes.size();
        return 0;
    }
    std::string path(NodeRef n) {
        char buf[kPathMax];
        int64_t len = path_of(files_->tree(), n, buf, sizeof buf);
        return len < 0 ? "error" : std::string(buf, size_t(len - 1));
    }

    std::unique_ptr<DomainFiles> files_ = std::make_unique<DomainFiles>();
    std::vector<uint8_t> bytes_;
};

TEST_F(DomainMounts, EachMountPointIsItsOwnWritableTmpfs) {
    ASSERT_EQ(files_->mounts, 3u);  // /tmp, /run, /dev/shm
    NodeRef run = at("/run"), shm = at("/dev/shm"), tmp = at("/tmp");
    ASSERT_EQ(run.kind, NodeKind::tmp);
    ASSERT_EQ(shm.kind, NodeKind::tmp);
    ASSERT_EQ(tmp.kind, NodeKind::tmp);
    EXPECT_NE(run.ro, shm.ro);
    EXPECT_NE(run.tmp, shm.tmp);
    EXPECT_EQ(tmp.ro, 0u);
    Tree t = files_->tree();
    EXPECT_EQ(t.mode(run), kIfdir | 0755);  // the image's permission bits
    EXPECT_EQ(t.mode(shm), kIfdir | 01777);
    EXPECT_EQ(t.mode(tmp), kIfdir | 01777);  // the image's plain "tmp" is covered as before
    ASSERT_EQ(write_file("/run", "pid", "42\n"), 0);
    ASSERT_EQ(write_file("/dev/shm", "pid", "shm\n"), 0);  // same name, another mount
    NodeRef f = at("/run/pid");
    ASSERT_EQ(f.kind, NodeKind::tmp);
    EXPECT_EQ(f.ro, run.ro);
    uint64_t len;
    const uint8_t* p = files_->fs(f).read_span(f.tmp, 0, &len);
    ASSERT_EQ(len, 3u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(p), 3), "42\n");
    EXPECT_EQ(at("/dev/shm/pid").tmp->size, 4u);
    EXPECT_EQ(at("/tmp/pid").kind, NodeKind::none);
    // Walks out of a mount lead back to the tree; getcwd's reverse walk names the mount.
    EXPECT_EQ(at("/run/../etc/motd").ro, 7u);
    EXPECT_EQ(at("/dev/shm/../../etc/motd").ro, 7u);
    EXPECT_EQ(path(shm), "/dev/shm");
    EXPECT_EQ(path(at("/run/pid")), "/run/pid");
    EXPECT_EQ(path(tmp), "/tmp");
    // The tree is still read-only around the mounts.
    EXPECT_EQ(at("/dev").kind, NodeKind::ro);
    EXPECT_EQ(t.over(0, 4), run);
    EXPECT_EQ(t.over(0, 1).kind, NodeKind::ro);
}

TEST_F(DomainMounts, SizeLimitCountsPagesAndReleaseFreesThemAll) {
    Image img = build(mount_items());
    img.entries[6].size = 3 * kTmpPageSize;  // /dev/shm: root page + 2
    load(img);
    EXPECT_EQ(write_file("/dev/shm", "a", std::string(kTmpPageSize, 'a')), 0);  // node + data
    EXPECT_EQ(write_file("/dev/shm", "b", ""), -uk::kENOSPC);
    // Other mounts are not limited by it.
    EXPECT_EQ(write_file("/run", "big", std::string(8 * kTmpPageSize, 'b')), 0);
    EXPECT_GT(g_live_pages, 12);
    // Pages stay counted per mount: removing the file gives /dev/shm room again.
    NodeRef shm = at("/dev/shm");
    EXPECT_EQ(files_->fs(shm).remove(shm.tmp, "a", 1, false), 0);
    EXPECT_EQ(write_file("/dev/shm", "b", "x"), 0);
}

TEST_F(DomainMounts, TmpMountPointTakesTheImagesModeAndLimit) {
    std::vector<Item> items = {dir("", 0), mount("tmp", 0, 0700)};
    Image img = build(items);
    img.entries[1].size = kTmpPageSize;  // the root page only: nothing fits
    load(img);
    EXPECT_EQ(files_->mounts, 1u);  // /tmp is the one mount, not a second
    EXPECT_EQ(files_->tree().mode(at("/tmp")), kIfdir | 0700);
    EXPECT_EQ(write_file("/tmp", "x", ""), -uk::kENOSPC);
}

TEST_F(DomainMounts, NoImageMeansOnlyTmp) {
    if (files_->ready) release(*files_);
    const char* why = nullptr;
    ASSERT_TRUE(init(*files_, 1, nullptr, 0, "app", &why));
    EXPECT_EQ(files_->mounts, 1u);
    EXPECT_EQ(at("/tmp").kind, NodeKind::tmp);
    EXPECT_EQ(at("/run").kind, NodeKind::none);
}

}  // namespace
