#include "launcher/vm/guest_memory.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace er::launcher {
namespace {

TEST(GuestMemory, InRangeAcceptsRangesInside) {
    EXPECT_TRUE(GuestMemory::in_range(0, 4096, 4096));
    EXPECT_TRUE(GuestMemory::in_range(100, 200, 4096));
    EXPECT_TRUE(GuestMemory::in_range(4095, 1, 4096));
}

TEST(GuestMemory, InRangeRefusesRangesPastTheEnd) {
    EXPECT_FALSE(GuestMemory::in_range(4095, 2, 4096));
    EXPECT_FALSE(GuestMemory::in_range(4096, 1, 4096));
    EXPECT_FALSE(GuestMemory::in_range(0, 4097, 4096));
}

TEST(GuestMemory, InRangeRefusesWrapAround2To64) {
    // gpa + len wraps to a small number: a naive "gpa + len <= size" would accept these.
    EXPECT_FALSE(GuestMemory::in_range(UINT64_MAX, 2, 4096));
    EXPECT_FALSE(GuestMemory::in_range(16, UINT64_MAX - 15, 4096));
    EXPECT_FALSE(GuestMemory::in_range(1ull << 63, 1ull << 63, 4096));
}

TEST(GuestMemory, ZeroLengthIsValidUpToTheEndOnly) {
    EXPECT_TRUE(GuestMemory::in_range(0, 0, 4096));
    EXPECT_TRUE(GuestMemory::in_range(4096, 0, 4096));
    EXPECT_FALSE(GuestMemory::in_range(4097, 0, 4096));
    EXPECT_FALSE(GuestMemory::in_range(UINT64_MAX, 0, 4096));
}

TEST(GuestMemory, ViewExactlyAtTheEnd) {
    test::FakeRam ram(8192);
    auto last = ram.memory.view(8192 - 16, 16, "tail");
    EXPECT_EQ(last.data(), ram.bytes.data() + 8192 - 16);
    EXPECT_EQ(last.size(), 16u);
    EXPECT_THROW(ram.memory.view(8192 - 15, 16, "tail"), GuestError);
}

TEST(GuestMemory, ErrorNamesWhatAndWhere) {
    test::FakeRam ram(4096);
    try {
        ram.memory.view(0x2000, 8, "console buffer");
        FAIL() << "no error";
    } catch (const GuestError& e) {
        EXPECT_STREQ(e.what(),
                     "console buffer at GPA 0x2000, length 0x8, lies outside guest memory [0, "
                     "0x1000)");
    }
}

TEST(GuestMemory, ReadWriteRoundTripAndCopyIn) {
    test::FakeRam ram(4096);
    ram.memory.write<uint64_t>(8, 0x1122334455667788ull, "x");
    EXPECT_EQ(ram.memory.read<uint64_t>(8, "x"), 0x1122334455667788ull);
    EXPECT_EQ(ram.bytes[8], 0x88);
    const uint8_t src[3] = {1, 2, 3};
    ram.memory.copy_in(100, src, "src");
    EXPECT_EQ(ram.bytes[100], 1);
    EXPECT_EQ(ram.bytes[102], 3);
    ram.memory.zero(100, 2, "z");
    EXPECT_EQ(ram.bytes[100], 0);
    EXPECT_EQ(ram.bytes[101], 0);
    EXPECT_EQ(ram.bytes[102], 3);
    EXPECT_THROW(ram.memory.write<uint64_t>(4090, 1, "x"), GuestError);
    EXPECT_THROW(ram.memory.read<uint32_t>(UINT64_MAX - 1, "x"), GuestError);
    EXPECT_THROW(ram.memory.zero(4000, 97, "z"), GuestError);
}

}  // namespace
}  // namespace er::launcher
