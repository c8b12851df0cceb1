// The er-fs reader against well-formed and malformed images: the image comes from the host,
// so every malformation must be refused with the right status, never read out of bounds.
#include <gtest/gtest.h>

#include "fs/erfs_image.hpp"
#include "fs_image_builder.hpp"

namespace {

using uk::fs::ErfsImage;
using uk::fs::ImageStatus;
using namespace fs_test;

ImageStatus check(const Image& img) {
    static std::vector<uint8_t> keep;  // the reader keeps pointing into the bytes
    keep = img.bytes();
    ErfsImage r;
    return r.validate(keep.data(), keep.size());
}

TEST(ErfsImage, AcceptsTheSampleAndLooksUpEveryName) {
    std::vector<uint8_t> bytes = build(sample_items()).bytes();
    ErfsImage r;
    ASSERT_EQ(r.validate(bytes.data(), bytes.size()), ImageStatus::ok);
    EXPECT_EQ(r.count(), 10u);
    EXPECT_EQ(r.lookup(0, "bin", 3), 1);
    EXPECT_EQ(r.lookup(0, "hello.txt", 9), 3);
    EXPECT_EQ(r.lookup(0, "loop", 4), 6);
    EXPECT_EQ(r.lookup(2, "up", 2), 9);
    EXPECT_EQ(r.lookup(0, "nope", 4), -1);
    EXPECT_EQ(r.lookup(0, "hello.tx", 8), -1);
    EXPECT_EQ(r.lookup(3, "x", 1), -1);  // not a directory
    er_fs_entry e = r.entry(3);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.data(e)), e.size), "hello\n");
}

TEST(ErfsImage, AcceptsARootOnlyImageAndTheEmptyTree) {
    EXPECT_EQ(check(build({dir("", 0)})), ImageStatus::ok);
    ErfsImage r;
    r.make_empty();
    EXPECT_EQ(r.count(), 1u);
    EXPECT_EQ(r.entry(0).mode & ER_FS_IFMT, ER_FS_IFDIR);
    EXPECT_EQ(r.lookup(0, "tmp", 3), -1);
}

TEST(ErfsImage, RefusesEveryTruncation) {
    std::vector<uint8_t> bytes = build(sample_items()).bytes();
    for (size_t len = 0; len < bytes.size(); len++) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + len);
        ErfsImage r;
        EXPECT_NE(r.validate(cut.data(), cut.size()), ImageStatus::ok) << "length " << len;
    }
    // Truncated but with total_size patched to match: the regions no longer fit.
    for (size_t len = sizeof(er_fs_header); len < bytes.size(); len++) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + len);
        uint64_t total = len;
        std::memcpy(cut.data() + offsetof(er_fs_header, total_size), &total, sizeof total);
        ErfsImage r;
        EXPECT_NE(r.validate(cut.data(), cut.size()), ImageStatus::ok) << "length " << len;
    }
}

TEST(ErfsImage, RefusesBadHeaders) {
    Image img = build(sample_items());
    Image bad = img;
    bad.header.magic ^= 1;
    EXPECT_EQ(check(bad), ImageStatus::bad_magic);
    bad = img;
    bad.header.version = ER_FS_VERSION + 1;
    EXPECT_EQ(check(bad), ImageStatus::bad_version);
    bad.header.version = 0;
    EXPECT_EQ(check(bad), ImageStatus::bad_version);
    bad = img;
    bad.header.entry_count = 0;
    EXPECT_EQ(check(bad), ImageStatus::no_entries);
    bad = img;
    bad.header.entry_count = 0x10000000;
    EXPECT_EQ(check(bad), ImageStatus::entries_out_of_range);
    bad = img;
    bad.header.entries_off = ~0ull - 8;  // overflow when the table's size is added
    EXPECT_EQ(check(bad), ImageStatus::entries_out_of_range);
    bad = img;
    bad.header.strtab_size = ~0ull;
    EXPECT_EQ(check(bad), ImageStatus::strtab_out_of_range);
    bad = img;
    bad.header.data_off = img.header.total_size + 1;
    bad.header.data_size = 0;
    EXPECT_EQ(check(bad), ImageStatus::data_out_of_range);
    bad = img;
    bad.header.data_size += 1;
    EXPECT_EQ(check(bad), ImageStatus::data_out_of_range);
}

TEST(ErfsImage, RefusesBadRoots) {
    Image img = build(sample_items());
    Image bad = img;
    bad.entries[0].mode = ER_FS_IFREG | 0644;
    EXPECT_EQ(check(bad), ImageStatus::root_not_directory);
    bad = img;
    bad.entries[0].name_len = 1;
    EXPECT_EQ(check(bad), ImageStatus::root_has_name);
    bad = img;
    bad.entries[0].parent = 3;
    EXPECT_EQ(check(bad), ImageStatus::root_has_name);
}

TEST(ErfsImage, RefusesBadEntries) {
    Image img = build(sample_items());
    Image bad = img;
    bad.entries[3].mode = 0020000 | 0644;  // a character device
    EXPECT_EQ(check(bad), ImageStatus::bad_mode);
    bad = img;
    bad.entries[3].mode |= 0400000;  // bits beyond type, permissions and ER_FS_TMPFS
    EXPECT_EQ(check(bad), ImageStatus::bad_mode);
    bad = img;
    bad.entries[3].mode |= ER_FS_TMPFS;  // on a file (fs_mount_test has the rest)
    EXPECT_EQ(check(bad), ImageStatus::bad_mount);
    bad = img;
    bad.entries[3].name_off = uint32_t(img.strtab.size());
    EXPECT_EQ(check(bad), ImageStatus::name_out_of_range);
    bad = img;
    bad.entries[3].name_len = 0;
    EXPECT_EQ(check(bad), ImageStatus::bad_name_length);
    bad = img;
    bad.entries[3].data_off = img.data.size();
    EXPECT_EQ(check(bad), ImageStatus::file_data_out_of_range);
    bad = img;
    bad.entries[3].size = ~0ull;  // data_off + size overflows
    EXPECT_EQ(check(bad), ImageStatus::file_data_out_of_range);
    bad = img;
    bad.entries[1].size = 5;
    EXPECT_EQ(check(bad), ImageStatus::directory_has_size);
    bad = img;
    bad.entries[8].parent = 3;  // a file as a parent
    EXPECT_EQ(check(bad), ImageStatus::parent_not_directory);
}

TEST(ErfsImage, RefusesOverlongAndForbiddenNames) {
    std::string long_name(256, 'a');
    EXPECT_EQ(check(build({dir("", 0), file(long_name, 0, "x")})), ImageStatus::bad_name_length);
    EXPECT_EQ(check(build({dir("", 0), file(std::string(255, 'a'), 0, "x")})), ImageStatus::ok);
    EXPECT_EQ(check(build({dir("", 0), file("a/b", 0, "x")})), ImageStatus::bad_name);
    EXPECT_EQ(check(build({dir("", 0), file(std::string("a\0b", 3), 0, "x")})),
              ImageStatus::bad_name);
    EXPECT_EQ(check(build({dir("", 0), dir(".", 0)})), ImageStatus::bad_name);
    EXPECT_EQ(check(build({dir("", 0), dir("..", 0)})), ImageStatus::bad_name);
    EXPECT_EQ(check(build({dir("", 0), dir("...", 0)})), ImageStatus::ok);
}

TEST(ErfsImage, RefusesCyclesAndForwardParents) {
    // b's parent is c, which comes after it: a cycle would need this.
    Image bad = build({dir("", 0), dir("a", 0), dir("b", 0), dir("c", 1)});
    bad.entries[2].parent = 3;
    EXPECT_EQ(check(bad), ImageStatus::parent_not_before_child);
    // An entry as its own parent.
    bad = build({dir("", 0), dir("a", 0)});
    bad.entries[1].parent = 1;
    EXPECT_EQ(check(bad), ImageStatus::parent_not_before_child);
    // A directory whose child range points back at itself or its ancestors.
    bad = build({dir("", 0), dir("a", 0), dir("b", 1)});
    bad.entries[1].first_child = 0;
    bad.entries[1].child_count = 3;
    EXPECT_NE(check(bad), ImageStatus::ok);
}

TEST(ErfsImage, RefusesUnsortedDuplicateAndScatteredChildren) {
    EXPECT_EQ(check(build({dir("", 0), file("b", 0, ""), file("a", 0, "")})),
              ImageStatus::children_not_sorted);
    EXPECT_EQ(check(build({dir("", 0), file("a", 0, ""), file("a", 0, "")})),
              ImageStatus::children_not_sorted);
    // Bytewise order: "B" (0x42) < "a" (0x61), and a prefix sorts first.
    EXPECT_EQ(check(build({dir("", 0), file("B", 0, ""), file("a", 0, ""), file("ab", 0, "")})),
              ImageStatus::ok);
    // Children of the root not contiguous: root claims [1, 2), entry 3 also names it.
    Image bad = build({dir("", 0), dir("a", 0), file("x", 1, ""), file("z", 0, "")});
    bad.entries[0].child_count = 1;
    EXPECT_EQ(check(bad), ImageStatus::entry_outside_parent);
    // A directory's range holding another directory's child.
    bad = build({dir("", 0), dir("a", 0), dir("b", 0), file("x", 1, ""), file("y", 2, "")});
    bad.entries[1].child_count = 2;
    EXPECT_EQ(check(bad), ImageStatus::child_has_other_parent);
    // A range beyond the table.
    bad = build({dir("", 0), dir("a", 0)});
    bad.entries[1].first_child = 2;
    bad.entries[1].child_count = 0xFFFFFFFF;
    EXPECT_EQ(check(bad), ImageStatus::children_out_of_range);
}

TEST(ErfsImage, RefusesBadSymlinks) {
    EXPECT_EQ(check(build({dir("", 0), link("l", 0, "")})), ImageStatus::bad_symlink_size);
    EXPECT_EQ(check(build({dir("", 0), link("l", 0, std::string(4096, 'a'))})),
              ImageStatus::bad_symlink_size);
}

TEST(ErfsImage, SurvivesRandomCorruption) {
    std::vector<uint8_t> good = build(sample_items()).bytes();
    uint32_t seed = 12345;
    for (int round = 0; round < 20000; round++) {
        std::vector<uint8_t> b = good;
        for (int k = 0; k < 3; k++) {
            seed = seed * 1103515245 + 12345;
            size_t pos = (seed >> 8) % b.size();
            seed = seed * 1103515245 + 12345;
            b[pos] = uint8_t(seed >> 16);
        }
        ErfsImage r;
        if (r.validate(b.data(), b.size()) != ImageStatus::ok) continue;
        // Accepted: every lookup and every file stays inside the image.
        for (uint32_t i = 0; i < r.count(); i++) {
            er_fs_entry e = r.entry(i);
            uint32_t len;
            const char* n = r.name(i, &len);
            if (i == 0) continue;  // the root's name is "", not in the image
            ASSERT_GE(reinterpret_cast<const uint8_t*>(n), b.data());
            ASSERT_LE(reinterpret_cast<const uint8_t*>(n) + len, b.data() + b.size());
            if ((e.mode & ER_FS_IFMT) != ER_FS_IFDIR) {
                ASSERT_LE(r.data(e) + e.size, b.data() + b.size());
            }
            ASSERT_EQ(r.lookup(e.parent, n, len), int64_t(i));
        }
    }
}

TEST(ErfsImage, DescribesEveryStatus) {
    for (int s = 0; s <= int(ImageStatus::entry_outside_parent); s++) {
        EXPECT_NE(std::string(uk::fs::describe(ImageStatus(s))), "");
    }
    EXPECT_EQ(std::string(uk::fs::describe(ImageStatus::children_not_sorted)),
              "er-fs directory's children are not sorted or have duplicate names");
}

}  // namespace
