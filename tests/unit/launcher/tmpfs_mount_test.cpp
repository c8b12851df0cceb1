// tmpfs mounts from the host's side: docker's --tmpfs syntax and OCI options, the checks on a
// domain's list, and the packer putting the mount points into the er-fs tree (version 2 only
// when there is one; mount points flagged, empty, with their mode and limit; missing
// directories made; symlinks and files on the way refused).
#include "launcher/fs/tmpfs_mount.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>

#include "launcher/common/error.hpp"
#include "launcher/fs/er_fs_pack.hpp"
#include "test_support.hpp"

namespace er::launcher {
namespace {

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

TEST(TmpfsMount, DockerFlagSyntaxAndOptions) {
    TmpfsMount m = parse_tmpfs_flag("/run");
    EXPECT_EQ(m.path, "/run");
    EXPECT_EQ(m.mode, 01777u);
    EXPECT_EQ(m.size, 0u);
    m = parse_tmpfs_flag("//var/./run/:rw,noexec,nosuid,size=64m,mode=755");
    EXPECT_EQ(m.path, "/var/run");
    EXPECT_EQ(m.mode, 0755u);
    EXPECT_EQ(m.size, 64u << 20);
    EXPECT_EQ(parse_tmpfs_flag("/a:size=4096").size, 4096u);
    EXPECT_EQ(parse_tmpfs_flag("/a:size=2k").size, 2048u);
    EXPECT_EQ(parse_tmpfs_flag("/a:size=1G").size, 1u << 30);
    EXPECT_EQ(make_tmpfs_mount("/run", {"nosuid", "strictatime", "mode=1770", "rprivate"}).mode,
              01770u);
}

TEST(TmpfsMount, RefusesWhatItCannotProvide) {
    EXPECT_EQ(error_of([] { parse_tmpfs_flag("run"); }),
              "tmpfs mount run: the path must be absolute");
    EXPECT_EQ(error_of([] { parse_tmpfs_flag("/"); }),
              "tmpfs mount /: a tmpfs cannot replace the whole tree (/)");
    EXPECT_EQ(error_of([] { parse_tmpfs_flag("/a/../b"); }),
              "tmpfs mount /a/../b: the path must not contain \"..\"");
    EXPECT_EQ(error_of([] { parse_tmpfs_flag("/run:ro"); }),
              "tmpfs mount /run: option ro: an empty read-only tmpfs is not supported");
    EXPECT_EQ(error_of([] { parse_tmpfs_flag("/run:size=50%"); }),
              "tmpfs mount /run: size=50%: a share of memory is not supported, give bytes "
              "(size=64m)");
    EXPECT_EQ(error_of([] { parse_tmpfs_flag("/run:size=12x"); }),
              "tmpfs mount /run: size=12x is not a size (bytes with an optional k, m or g)");
    EXPECT_EQ(error_of([] { parse_tmpfs_flag("/run:mode=99"); }),
              "tmpfs mount /run: mode=99 is not an octal mode (such as 1777 or 755)");
    EXPECT_EQ(error_of([] { parse_tmpfs_flag("/run:huge=always"); }),
              "tmpfs mount /run: option huge=always is not supported (size=, mode= and the "
              "usual mount flags are)");
    EXPECT_EQ(error_of([] {
                  check_tmpfs_mounts({{"/run"}, {"/run"}});
              }),
              "tmpfs mount /run: given twice");
    EXPECT_EQ(error_of([] {
                  check_tmpfs_mounts({{"/run/lock"}, {"/run"}});
              }),
              "tmpfs mount /run/lock: lies inside tmpfs mount /run (nested tmpfs mounts are not "
              "supported)");
    check_tmpfs_mounts({{"/run"}, {"/runner"}});  // a name prefix is not a parent
    std::vector<TmpfsMount> many;
    for (int i = 0; i <= int(ER_FS_MAX_MOUNTS); i++) many.push_back({"/m" + std::to_string(i)});
    EXPECT_EQ(error_of([&] { check_tmpfs_mounts(many); }),
              "too many tmpfs mounts (16; at most 15 per domain)");
}

// The image's entries by path ("" the root), read through the ABI structs.
struct Packed {
    er_fs_header header;
    std::map<std::string, er_fs_entry> entries;
};

Packed read_back(const ErFsImage& plan) {
    std::vector<uint8_t> img(plan.size(), 0);
    plan.write_to(img);
    Packed p{};
    std::memcpy(&p.header, img.data(), sizeof p.header);
    std::vector<std::string> paths;
    for (uint32_t i = 0; i < p.header.entry_count; ++i) {
        er_fs_entry e;
        std::memcpy(&e, img.data() + p.header.entries_off + i * sizeof e, sizeof e);
        std::string name(
            reinterpret_cast<const char*>(img.data() + p.header.strtab_off + e.name_off),
            e.name_len);
        std::string path = i == 0 ? "" : (e.parent == 0 ? "" : paths[e.parent] + "/") + name;
        paths.push_back(path);
        p.entries[path] = e;
    }
    return p;
}

TEST(TmpfsMount, PackerMakesFlaggedEmptyMountPoints) {
    test::TempDir dir;
    dir.make_dir("run");
    dir.write_file("run/old.pid", {'1'});
    dir.make_dir("etc");
    dir.write_file("etc/motd", {'h', 'i'});
    std::vector<TmpfsMount> mounts = {parse_tmpfs_flag("/run:mode=755,size=8k"),
                                      parse_tmpfs_flag("/dev/shm"),
                                      parse_tmpfs_flag("/var/lib/x/cache")};
    Packed p = read_back(plan_er_fs(dir.path(), {}, mounts));
    EXPECT_EQ(p.header.version, 2u);
    const er_fs_entry& run = p.entries.at("run");
    EXPECT_EQ(run.mode, ER_FS_IFDIR | ER_FS_TMPFS | 0755u);
    EXPECT_EQ(run.size, 8192u);
    EXPECT_EQ(run.child_count, 0u);  // run/old.pid is hidden, as a mount hides it
    EXPECT_EQ(p.entries.count("run/old.pid"), 0u);
    EXPECT_EQ(p.entries.at("dev").mode, ER_FS_IFDIR | 0755u);  // made for the mount point
    EXPECT_EQ(p.entries.at("dev/shm").mode, ER_FS_IFDIR | ER_FS_TMPFS | 01777u);
    EXPECT_EQ(p.entries.at("var/lib/x/cache").mode, ER_FS_IFDIR | ER_FS_TMPFS | 01777u);
    EXPECT_EQ(p.entries.at("etc/motd").size, 2u);  // the rest of the tree as before
    // Without mounts: version 1, the same bytes as ever.
    EXPECT_EQ(read_back(plan_er_fs(dir.path())).header.version, 1u);
}

TEST(TmpfsMount, PackerWithoutARootMakesJustTheMountPoints) {
    Packed p = read_back(plan_er_fs_mounts({parse_tmpfs_flag("/run"), parse_tmpfs_flag("/tmp")}));
    EXPECT_EQ(p.header.version, 2u);
    EXPECT_EQ(p.entries.size(), 3u);
    EXPECT_EQ(p.entries.at("").mode, ER_FS_IFDIR | 0755u);
    EXPECT_EQ(p.entries.at("run").mode, ER_FS_IFDIR | ER_FS_TMPFS | 01777u);
    EXPECT_EQ(p.entries.at("tmp").mode, ER_FS_IFDIR | ER_FS_TMPFS | 01777u);
}

TEST(TmpfsMount, PackerRefusesSymlinksAndFilesOnTheWay) {
    test::TempDir dir;
    dir.make_dir("run");
    ASSERT_EQ(::symlink("../run", (dir.path() + "/varrun").c_str()), 0);
    dir.write_file("file", {'x'});
    EXPECT_NE(error_of([&] {
                  plan_er_fs(dir.path(), {}, {parse_tmpfs_flag("/varrun")});
              }).find("tmpfs mount /varrun: " + dir.path() + "/varrun is a symlink in the tree"),
              std::string::npos);
    EXPECT_NE(error_of([&] {
                  plan_er_fs(dir.path(), {}, {parse_tmpfs_flag("/file/sub")});
              }).find("is a regular file in the tree; a mount point and the directories"),
              std::string::npos);
}

}  // namespace
}  // namespace er::launcher
