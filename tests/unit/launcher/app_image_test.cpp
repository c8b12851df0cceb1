#include "launcher/vm/app_image.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "launcher/common/error.hpp"
#include "libos-abi/enclave_abi.h"
#include "test_support.hpp"

namespace er::launcher {
namespace {

std::string error_of(const std::string& path, uint64_t mem) {
    try {
        auto app = open_app(path, mem);
        std::vector<uint8_t> bytes(app->size());
        app->write_to(bytes);
        check_app_elf(bytes, path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(AppImage, MaxSizeLeavesWholePages) {
    EXPECT_EQ(max_app_size(16 << 20), (16u << 20) - ER_GPA_IMAGES);
    EXPECT_EQ(max_app_size(ER_GPA_IMAGES), 0u);
    EXPECT_EQ(max_app_size(ER_GPA_IMAGES + 4097), 4096u);
    // Images stay inside the guest's 1 GiB boot window, however much RAM there is.
    EXPECT_EQ(max_app_size(3ull << 30), (1ull << 30) - ER_GPA_IMAGES);
}

TEST(AppImage, MissingFileNamesPathAndErrno) {
    EXPECT_EQ(error_of("/nonexistent/app", 64 << 20),
              "/nonexistent/app: cannot open: No such file or directory");
}

TEST(AppImage, DirectoryIsRefused) {
    test::TempDir dir;
    EXPECT_NE(error_of(dir.path(), 64 << 20).find("is a directory"), std::string::npos);
}

TEST(AppImage, FifoIsRefusedWithoutBlocking) {
    test::TempDir dir;
    std::string fifo = dir.path() + "/app";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    // A blocking open would wait for a writer forever.
    EXPECT_EQ(error_of(fifo, 64 << 20), fifo + ": is a FIFO, not a program file");
}

TEST(AppImage, TooBigIsRefusedBeforeAnythingIsRead) {
    test::TempDir dir;
    dir.write_file("big", {});
    ASSERT_EQ(::truncate((dir.path() + "/big").c_str(), 1ll << 40), 0);  // 1 TiB, all hole
    EXPECT_EQ(error_of(dir.path() + "/big", 3ull << 30),
              dir.path() + "/big is too big for 3 GiB of guest memory; use --memory");
}

TEST(AppImage, NotAnElf) {
    test::TempDir dir;
    dir.write_file("app", std::vector<uint8_t>(100, 'x'));
    EXPECT_EQ(error_of(dir.path() + "/app", 64 << 20),
              dir.path() + "/app: not an ELF file (bad magic)");
}

TEST(AppImage, TooBigForGuestMemory) {
    test::TempDir dir;
    dir.write_file("big", std::vector<uint8_t>((8 << 20) + 1, 0x7f));
    EXPECT_EQ(error_of(dir.path() + "/big", 16 << 20),
              dir.path() + "/big is too big for 16 MiB of guest memory; use --memory");
}

TEST(AppImage, DynamicallyLinkedSystemBinaryIsRefused) {
    // /bin/ls on Debian is a dynamically linked PIE: the shared parser must say so.
    std::string line = error_of("/bin/ls", 64 << 20);
    EXPECT_NE(line.find("dynamic"), std::string::npos) << line;
}

}  // namespace
}  // namespace er::launcher
