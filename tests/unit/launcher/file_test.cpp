#include "launcher/common/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "launcher/common/error.hpp"
#include "test_support.hpp"

namespace er::launcher {
namespace {

std::string open_error(const std::string& path, FollowLinks follow = FollowLinks::yes) {
    try {
        open_input(path, "regular file", follow);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// Without O_NONBLOCK the open of a FIFO with no writer never returns: this test would hang.
TEST(InputFile, FifoIsRefusedWithoutBlocking) {
    test::TempDir dir;
    std::string fifo = dir.path() + "/fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_EQ(open_error(fifo), fifo + ": is a FIFO, not a regular file");
    try {
        read_regular_file(fifo, 1 << 20, "too big");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), fifo + ": is a FIFO, not a regular file");
    }
}

TEST(InputFile, OnlyRegularFilesAreOpened) {
    test::TempDir dir;
    EXPECT_EQ(open_error(dir.path()), dir.path() + ": is a directory, not a regular file");
    struct stat st {};
    if (::stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode)) {
        EXPECT_EQ(open_error("/dev/null"), "/dev/null: is a character device, not a regular file");
    }
    EXPECT_EQ(open_error(dir.path() + "/missing"),
              dir.path() + "/missing: cannot open: No such file or directory");
}

TEST(InputFile, NoFollowRefusesASymlink) {
    test::TempDir dir;
    dir.write_file("target", {1, 2, 3});
    ASSERT_EQ(::symlink("target", (dir.path() + "/link").c_str()), 0);
    EXPECT_EQ(open_error(dir.path() + "/link", FollowLinks::no),
              dir.path() + "/link: is a symlink, not a regular file");
    InputFile followed = open_input(dir.path() + "/link");
    EXPECT_EQ(followed.size, 3u);
    // The descriptor is blocking again once the type is known.
    EXPECT_EQ(::fcntl(followed.fd.get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST(InputFile, TooBigIsRefusedBeforeReading) {
    test::TempDir dir;
    dir.write_file("f", std::vector<uint8_t>(11, 'x'));
    try {
        read_regular_file(dir.path() + "/f", 10, "f is too big");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "f is too big");
    }
    EXPECT_EQ(read_regular_file(dir.path() + "/f", 11, "f is too big"),
              std::vector<uint8_t>(11, 'x'));
}

// The holes of a sparse file are never written: the destination is zero already, and writing
// them would make the host pay for every page of a file that holds almost nothing.
TEST(InputFile, ReadSkipsHolesAndReadsTheData) {
    test::TempDir dir;
    std::string path = dir.path() + "/sparse";
    constexpr uint64_t kSize = 8 << 20;
    {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0600);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::pwrite(fd, "head", 4, 0), 4);
        ASSERT_EQ(::pwrite(fd, "tail", 4, kSize - 4), 4);
        ::close(fd);
    }
    InputFile file = open_input(path);
    ASSERT_EQ(file.size, kSize);
    off_t hole = ::lseek(file.fd.get(), 0, SEEK_HOLE);
    if (hole < 0 || static_cast<uint64_t>(hole) >= kSize) {
        GTEST_SKIP() << "this file system stores no holes";
    }
    // A marker where the zeros would go shows which bytes were written.
    std::vector<uint8_t> dest(kSize, 0xEE);
    read_input_into(file, dest);
    EXPECT_EQ(std::string(dest.begin(), dest.begin() + 4), "head");
    EXPECT_EQ(std::string(dest.end() - 4, dest.end()), "tail");
    EXPECT_EQ(dest[kSize / 2], 0xEE);  // a hole: not touched
}

TEST(InputFile, AFileThatChangedSizeIsNamed) {
    test::TempDir dir;
    dir.write_file("f", std::vector<uint8_t>(5000, 'x'));
    InputFile file = open_input(dir.path() + "/f");
    ASSERT_EQ(::truncate((dir.path() + "/f").c_str(), 100), 0);
    std::vector<uint8_t> dest(file.size);
    try {
        read_input_into(file, dest);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), dir.path() + "/f: file changed size while being read");
    }
    ASSERT_EQ(::truncate((dir.path() + "/f").c_str(), 6000), 0);
    EXPECT_THROW(read_input_into(file, dest), Error);
}

TEST(InputFile, MappedReadHoldsTheFile) {
    test::TempDir dir;
    dir.write_file("f", {'k', 'e', 'r', 'n'});
    dir.write_file("empty", {});
    Mapping m = read_input_mapped(open_input(dir.path() + "/f"));
    ASSERT_EQ(m.size(), 4u);
    EXPECT_EQ(std::string(m.data(), m.data() + 4), "kern");
    EXPECT_EQ(read_input_mapped(open_input(dir.path() + "/empty")).size(), 0u);
}

}  // namespace
}  // namespace er::launcher
