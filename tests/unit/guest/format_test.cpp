#include "lib/format.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace {

std::string text(const uk::TextBuffer& t) {
    return std::string(t.data(), t.size());
}

TEST(TextBuffer, FormatsNumbersAndStrings) {
    uk::FixedText<128> t;
    t.str("vector ").udec(14).str(" rip ").hex(0x401000).str(" err ").dec(-38).ch('!');
    EXPECT_EQ(text(t), "vector 14 rip 0x401000 err -38!");
    EXPECT_FALSE(t.truncated());
}

TEST(TextBuffer, ExtremeValues) {
    uk::FixedText<128> t;
    t.udec(0)
        .ch(' ')
        .udec(UINT64_MAX)
        .ch(' ')
        .dec(INT64_MIN)
        .ch(' ')
        .hex(0)
        .ch(' ')
        .hex(UINT64_MAX);
    EXPECT_EQ(text(t), "0 18446744073709551615 -9223372036854775808 0x0 0xffffffffffffffff");
}

TEST(TextBuffer, TruncatesAtCapacity) {
    uk::FixedText<8> t;
    t.str("0123456789");
    EXPECT_EQ(text(t), "01234567");
    EXPECT_TRUE(t.truncated());
    t.clear();
    EXPECT_EQ(t.size(), 0u);
    t.str("ab", 1);
    EXPECT_EQ(text(t), "a");
}

TEST(TextBuffer, NullString) {
    uk::FixedText<16> t;
    t.str(nullptr);
    EXPECT_EQ(text(t), "(null)");
}

}  // namespace
