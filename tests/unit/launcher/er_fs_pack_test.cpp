#include "launcher/fs/er_fs_pack.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>

#include "launcher/common/error.hpp"
#include "test_support.hpp"

namespace er::launcher {
namespace {

// An independent reader of the format in libos-abi/er_fs.h: little-endian fields read by offset
// (not through the header's structs), every rule of the format checked.
struct Entry {
    uint32_t parent, mode;
    std::string name;
    std::string data;  // file bytes or symlink target
    uint64_t mtime_ns;
    uint32_t first_child, child_count;
};

uint64_t le(const std::vector<uint8_t>& b, uint64_t off, int bytes) {
    EXPECT_LE(off + bytes, b.size());
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[off + i];
    return v;
}

// Returns path -> entry ("" is the root, "a/b" below it).
std::map<std::string, Entry> read_image(const std::vector<uint8_t>& img) {
    std::map<std::string, Entry> out;
    EXPECT_GE(img.size(), 64u);
    EXPECT_EQ(le(img, 0, 8), 0x3130534652454e45ull);  // "ENERFS01"
    EXPECT_EQ(std::string(img.begin(), img.begin() + 8), "ENERFS01");
    EXPECT_EQ(le(img, 8, 4), 1u);
    uint64_t count = le(img, 12, 4), entries = le(img, 16, 8), strtab = le(img, 24, 8),
             strsize = le(img, 32, 8), data = le(img, 40, 8), datasize = le(img, 48, 8),
             total = le(img, 56, 8);
    EXPECT_EQ(total, img.size());
    EXPECT_GE(count, 1u);
    EXPECT_LE(entries + count * 48, strtab);
    EXPECT_LE(strtab + strsize, data);
    EXPECT_EQ(data + datasize, total);
    std::vector<Entry> list;
    std::vector<std::string> paths;
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t at = entries + i * 48;
        Entry e;
        e.parent = static_cast<uint32_t>(le(img, at, 4));
        e.mode = static_cast<uint32_t>(le(img, at + 4, 4));
        uint64_t name_off = le(img, at + 8, 4), name_len = le(img, at + 12, 4);
        uint64_t data_off = le(img, at + 16, 8), size = le(img, at + 24, 8);
        e.mtime_ns = le(img, at + 32, 8);
        e.first_child = static_cast<uint32_t>(le(img, at + 40, 4));
        e.child_count = static_cast<uint32_t>(le(img, at + 44, 4));
        EXPECT_LE(name_off + name_len, strsize);
        e.name.assign(img.begin() + static_cast<long>(strtab + name_off),
                      img.begin() + static_cast<long>(strtab + name_off + name_len));
        uint32_t type = e.mode & 0170000;
        if (type == 0100000 || type == 0120000) {
            EXPECT_LE(data_off + size, datasize);
            e.data.assign(img.begin() + static_cast<long>(data + data_off),
                          img.begin() + static_cast<long>(data + data_off + size));
        } else {
            EXPECT_EQ(type, 0040000u);
            EXPECT_EQ(size, 0u);
        }
        if (i == 0) {
            EXPECT_EQ(e.parent, 0u);
            EXPECT_TRUE(e.name.empty());
            EXPECT_EQ(type, 0040000u);
            paths.push_back("");
        } else {
            EXPECT_LT(e.parent, i);  // parents come first: no cycles
            EXPECT_FALSE(e.name.empty());
            EXPECT_EQ(e.name.find('/'), std::string::npos);
            const Entry& parent = list[e.parent];
            EXPECT_EQ(parent.mode & 0170000, 0040000u);
            EXPECT_GE(i, parent.first_child);  // inside the parent's contiguous run
            EXPECT_LT(i, uint64_t{parent.first_child} + parent.child_count);
            if (i > parent.first_child) {
                EXPECT_LT(list[i - 1].name, e.name);  // sorted
            }
            paths.push_back(paths[e.parent].empty() ? e.name : paths[e.parent] + "/" + e.name);
        }
        list.push_back(e);
    }
    for (size_t i = 0; i < list.size(); ++i) out[paths[i]] = list[i];
    return out;
}

uint64_t mtime_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0);
    return static_cast<uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ull +
           static_cast<uint64_t>(st.st_mtim.tv_nsec);
}

std::vector<uint8_t> bytes(const std::string& s) {
    return {s.begin(), s.end()};
}

std::string error_of(const std::string& root) {
    try {
        pack_er_fs(root);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(ErFsPack, TreeRoundTripsThroughAnIndependentReader) {
    test::TempDir dir;
    dir.make_dir("t/sub/deeper");
    dir.make_dir("t/empty");
    dir.write_file("t/b.txt", bytes("bee\n"));
    dir.write_file("t/a.txt", bytes("hello"));
    dir.write_file("t/sub/zero", {});
    dir.write_file("t/sub/deeper/x", bytes(std::string(5000, 'x')));
    std::string t = dir.path() + "/t";
    ASSERT_EQ(::symlink("../../etc/passwd", (t + "/sub/escape").c_str()), 0);
    ASSERT_EQ(::symlink("a.txt", (t + "/link").c_str()), 0);
    ASSERT_EQ(::chmod((t + "/a.txt").c_str(), 0750), 0);

    std::vector<uint8_t> img = pack_er_fs(t);
    auto files = read_image(img);
    ASSERT_EQ(files.size(), 10u);
    EXPECT_EQ(files[""].child_count, 5u);  // a.txt b.txt empty link sub
    EXPECT_EQ(files[""].first_child, 1u);
    EXPECT_EQ(files["a.txt"].data, "hello");
    EXPECT_EQ(files["a.txt"].mode, 0100750u);
    EXPECT_EQ(files["b.txt"].data, "bee\n");
    EXPECT_EQ(files["empty"].child_count, 0u);
    EXPECT_EQ(files["link"].mode & 0170000, 0120000u);
    EXPECT_EQ(files["link"].data, "a.txt");
    // A symlink out of the tree is stored as a symlink, never followed.
    EXPECT_EQ(files["sub/escape"].data, "../../etc/passwd");
    EXPECT_EQ(files["sub/zero"].data, "");
    EXPECT_EQ(files["sub/deeper/x"].data, std::string(5000, 'x'));
    EXPECT_EQ(files["sub"].child_count, 3u);  // deeper escape zero
    EXPECT_EQ(files["a.txt"].mtime_ns, mtime_of(t + "/a.txt"));
    EXPECT_EQ(files["sub"].mtime_ns, mtime_of(t + "/sub"));
    EXPECT_EQ(files["link"].mtime_ns, mtime_of(t + "/link"));
    // Breadth first: the root's children are entries 1..5 in name order.
    EXPECT_EQ(img[64 + 48 * 1 + 0], 0);  // a.txt's parent is the root

    // Deterministic: the same tree packs to the same bytes.
    EXPECT_EQ(pack_er_fs(t + "/"), img);
}

TEST(ErFsPack, EmptyDirectoryIsJustTheRoot) {
    test::TempDir dir;
    std::vector<uint8_t> img = pack_er_fs(dir.path());
    ASSERT_EQ(img.size(), 64u + 48u);
    auto files = read_image(img);
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(files[""].child_count, 0u);
}

TEST(ErFsPack, RefusesWhatItCannotHold) {
    test::TempDir dir;
    dir.make_dir("fifo");
    ASSERT_EQ(::mkfifo((dir.path() + "/fifo/p").c_str(), 0600), 0);
    EXPECT_EQ(error_of(dir.path() + "/fifo"),
              dir.path() +
                  "/fifo/p: is a FIFO; er-fs holds only regular files, directories and "
                  "symlinks");

    dir.make_dir("sock");
    std::string sock_path = dir.path() + "/sock/s";
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (sock_path.size() < sizeof addr.sun_path) {
        std::memcpy(addr.sun_path, sock_path.c_str(), sock_path.size() + 1);
        ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        EXPECT_EQ(error_of(dir.path() + "/sock"),
                  sock_path +
                      ": is a socket; er-fs holds only regular files, directories and "
                      "symlinks");
    }
    ::close(fd);

    EXPECT_EQ(error_of("/nonexistent/tree"),
              "/nonexistent/tree: cannot stat: No such file or directory");
    dir.write_file("plain", bytes("x"));
    EXPECT_EQ(error_of(dir.path() + "/plain"), dir.path() + "/plain: is not a directory");

    dir.make_dir("big");
    dir.write_file("big/f", bytes(std::string(100, 'b')));
    ErFsLimits small;
    small.max_file = 99;
    try {
        pack_er_fs(dir.path() + "/big", small);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  dir.path() + "/big/f: is too big for an er-fs image (over 99 bytes)");
    }
    ErFsLimits tiny_image;
    tiny_image.max_image = 150;
    try {
        pack_er_fs(dir.path() + "/big", tiny_image);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("too big for an er-fs image"), std::string::npos);
    }

    if (::geteuid() != 0) {  // root reads anything
        dir.make_dir("locked");
        dir.write_file("locked/secret", bytes("s"));
        ASSERT_EQ(::chmod((dir.path() + "/locked/secret").c_str(), 0), 0);
        EXPECT_EQ(error_of(dir.path() + "/locked"),
                  dir.path() + "/locked/secret: cannot open: Permission denied");
    }
}

TEST(ErFsPack, DeviceIsRefused) {
    struct stat st {};
    if (::lstat("/dev/null", &st) != 0 || !S_ISCHR(st.st_mode)) GTEST_SKIP();
    // /dev holds character devices among its top-level entries, which are listed first.
    std::string e = error_of("/dev");
    EXPECT_NE(e.find("er-fs holds only regular files, directories and symlinks"), std::string::npos)
        << e;
}

// The walk (plan_er_fs) only lists and lstats; the files are opened when the image is written.
// Whatever a file became in between is found by the open (no follow, no blocking) and its fstat.
std::string write_error(const ErFsImage& plan) {
    std::vector<uint8_t> image(plan.size(), 0);
    try {
        plan.write_to(image);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(ErFsPack, AFileSwappedForAFifoAfterTheWalkIsRefusedWithoutBlocking) {
    test::TempDir dir;
    dir.make_dir("t");
    dir.write_file("t/f", bytes("data"));
    std::string f = dir.path() + "/t/f";
    ErFsImage plan = plan_er_fs(dir.path() + "/t");
    ASSERT_EQ(::unlink(f.c_str()), 0);
    ASSERT_EQ(::mkfifo(f.c_str(), 0600), 0);
    // A blocking open would wait for a writer forever.
    EXPECT_EQ(write_error(plan), f + ": is a FIFO, not a regular file");
}

TEST(ErFsPack, AFileSwappedForASymlinkOrResizedAfterTheWalkIsRefused) {
    test::TempDir dir;
    dir.make_dir("t");
    dir.write_file("t/f", bytes("data"));
    dir.write_file("secret", bytes("SECRET"));
    std::string f = dir.path() + "/t/f";
    ErFsImage plan = plan_er_fs(dir.path() + "/t");
    ASSERT_EQ(::unlink(f.c_str()), 0);
    ASSERT_EQ(::symlink("../secret", f.c_str()), 0);
    EXPECT_EQ(write_error(plan), f + ": is a symlink, not a regular file");
    ASSERT_EQ(::unlink(f.c_str()), 0);
    dir.write_file("t/f", bytes("longer data"));
    EXPECT_EQ(write_error(plan), f + ": file changed size while being packed");
    dir.write_file("t/f", bytes("same"));
    EXPECT_EQ(write_error(plan), "");
}

// Sizes are all the walk needs: an image that cannot fit is refused before any file is read,
// and a sparse file is packed with its holes left unwritten (the destination is zero already).
TEST(ErFsPack, TheWalkReadsNoFileAndTheWriteSkipsHoles) {
    test::TempDir dir;
    dir.make_dir("t");
    std::string f = dir.path() + "/t/sparse";
    constexpr uint64_t kSize = 4 << 20;
    {
        int fd = ::open(f.c_str(), O_WRONLY | O_CREAT, 0600);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::pwrite(fd, "end", 3, kSize - 3), 3);
        ::close(fd);
    }
    ASSERT_EQ(::chmod(f.c_str(), 0), 0);  // unreadable: only a read would notice
    ErFsImage plan = plan_er_fs(dir.path() + "/t");
    ASSERT_GT(plan.size(), kSize);
    ErFsLimits small;
    small.max_image = kSize;
    EXPECT_THROW(plan_er_fs(dir.path() + "/t", small), Error);
    ASSERT_EQ(::chmod(f.c_str(), 0600), 0);

    std::vector<uint8_t> image(plan.size(), 0);
    plan.write_to(image);
    auto files = read_image(image);
    ASSERT_EQ(files["sparse"].data.size(), kSize);
    EXPECT_EQ(files["sparse"].data.substr(kSize - 3), "end");
    EXPECT_EQ(files["sparse"].data.find_first_not_of('\0'), kSize - 3);
}

}  // namespace
}  // namespace er::launcher
