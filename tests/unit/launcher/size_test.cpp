#include "launcher/common/size.hpp"

#include <gtest/gtest.h>

#include "launcher/cli/run_options.hpp"
#include "launcher/common/error.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {
namespace {

TEST(ParseSize, PlainAndSuffixed) {
    EXPECT_EQ(parse_size("16777216"), 16777216u);
    EXPECT_EQ(parse_size("64K"), 64u << 10);
    EXPECT_EQ(parse_size("64m"), 64u << 20);
    EXPECT_EQ(parse_size("3G"), 3ull << 30);
    EXPECT_EQ(parse_size("2GiB"), 2ull << 30);
    EXPECT_EQ(parse_size("5MB"), 5u << 20);
    EXPECT_EQ(parse_size("100B"), 100u);
}

TEST(ParseSize, RefusesGarbageAndOverflow) {
    EXPECT_FALSE(parse_size(""));
    EXPECT_FALSE(parse_size("M"));
    EXPECT_FALSE(parse_size("-1M"));
    EXPECT_FALSE(parse_size("1.5G"));
    EXPECT_FALSE(parse_size("12T"));
    EXPECT_FALSE(parse_size("12Mx"));
    EXPECT_FALSE(parse_size("18446744073709551616"));  // 2^64
    EXPECT_FALSE(parse_size("17179869184G"));          // 2^34 GiB = 2^64
    EXPECT_EQ(parse_size("18446744073709551615"), UINT64_MAX);
}

TEST(FormatSize, LargestExactUnit) {
    EXPECT_EQ(format_size(64ull << 20), "64 MiB");
    EXPECT_EQ(format_size(3ull << 30), "3 GiB");
    EXPECT_EQ(format_size(1536ull << 10), "1536 KiB");
    EXPECT_EQ(format_size(1000), "1000 bytes");
    EXPECT_EQ(format_size(0), "0 bytes");
}

TEST(MemoryOption, Limits) {
    EXPECT_EQ(memory_size_from("16M"), 16ull << 20);
    EXPECT_EQ(memory_size_from("3G"), 3ull << 30);
    try {
        memory_size_from("8M");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "--memory 8M is below the minimum of 16 MiB");
    }
    EXPECT_THROW(memory_size_from("3073M"), Error);
    EXPECT_THROW(memory_size_from("16777217"), Error);  // not whole pages
    EXPECT_THROW(memory_size_from("lots"), Error);
}

TEST(TimeoutOption, PositiveFiniteSeconds) {
    EXPECT_DOUBLE_EQ(timeout_from("5"), 5.0);
    EXPECT_DOUBLE_EQ(timeout_from("0.25"), 0.25);
    for (const char* bad : {"", "0", "-1", "nan", "inf", "5s", "1e9"}) {
        EXPECT_THROW(timeout_from(bad), Error) << bad;
    }
}

TEST(EnvOption, NeedsKeyAndEquals) {
    EXPECT_NO_THROW(check_env_entry("A=1"));
    EXPECT_NO_THROW(check_env_entry("EMPTY="));
    EXPECT_THROW(check_env_entry("A"), Error);
    EXPECT_THROW(check_env_entry("=1"), Error);
}

TEST(IsolationOption, ThreeNamesOnly) {
    EXPECT_EQ(isolation_from("auto"), uint32_t{ER_ISO_AUTO});
    EXPECT_EQ(isolation_from("pagetable"), uint32_t{ER_ISO_PAGETABLE});
    EXPECT_EQ(isolation_from("mpk"), uint32_t{ER_ISO_MPK});
    for (const char* bad : {"", "MPK", "vm", "mpk ", "2"}) {
        EXPECT_THROW(isolation_from(bad), Error) << bad;
    }
    try {
        isolation_from("vm");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "--isolation 'vm' is not one of auto, pagetable or mpk");
    }
}

}  // namespace
}  // namespace er::launcher
