#include "launcher/common/full_write.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <string>
#include <thread>
#include <vector>

namespace er::launcher {
namespace {

TEST(WriteFully, WritesEverythingThroughAPipeLargerThanItsBuffer) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::vector<uint8_t> data(1 << 20);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 31);
    std::vector<uint8_t> got;
    std::thread reader([&] {
        uint8_t buf[4096];
        ssize_t n;
        while ((n = ::read(fds[0], buf, sizeof buf)) > 0) got.insert(got.end(), buf, buf + n);
    });
    EXPECT_EQ(write_fully(fds[1], data.data(), data.size()), static_cast<int64_t>(data.size()));
    ::close(fds[1]);
    reader.join();
    ::close(fds[0]);
    EXPECT_EQ(got, data);
}

TEST(WriteFully, ClosedReaderGivesMinusEpipe) {
    auto old = std::signal(SIGPIPE, SIG_IGN);
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    ::close(fds[0]);
    const uint8_t byte = 'x';
    EXPECT_EQ(write_fully(fds[1], &byte, 1), -EPIPE);
    ::close(fds[1]);
    std::signal(SIGPIPE, old);
}

TEST(WriteFully, BadFdGivesMinusEbadf) {
    const uint8_t byte = 'x';
    EXPECT_EQ(write_fully(-1, &byte, 1), -EBADF);
    EXPECT_EQ(write_fully(-1, &byte, 0), 0);
}

}  // namespace
}  // namespace er::launcher
