// One escaping rule for guest text and host strings in error lines (issue 15, item 7).
#include "launcher/common/escape.hpp"

#include <gtest/gtest.h>

#include "launcher/common/error.hpp"
#include "launcher/vm/console.hpp"

namespace er::launcher {
namespace {

TEST(Escape, OnlyPrintableAsciiPassesUnchanged) {
    EXPECT_EQ(escape_text("apps/hello-1.2_x"), "apps/hello-1.2_x");
    EXPECT_EQ(escape_text(std::string("a\0b", 3)), "a\\x00b");
    EXPECT_EQ(escape_text("\x1b[31mred\n"), "\\x1b[31mred\\x0a");
    EXPECT_EQ(escape_text("back\\slash"), "back\\x5cslash");  // "\x1b" cannot be faked
    EXPECT_EQ(escape_text("\xc3\xa9\x7f"), "\\xc3\\xa9\\x7f");
}

TEST(Escape, GuestTextUsesTheSameRule) {
    std::string raw = "x\x1b\\y\n";
    auto bytes = std::span(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
    EXPECT_EQ(sanitize_log_text(bytes), "x\\x1b\\x5cy");  // trailing newline dropped
}

// A path from the user's files (a name in --root, a manifest path) cannot move the cursor or
// forge a second line: the error line escapes it, once.
TEST(Escape, ErrorLinesEscapeHostStrings) {
    Error e("is not a directory", "/srv/a\nenclave-run: b\x1b[2J");
    EXPECT_STREQ(e.what(), "/srv/a\\x0aenclave-run: b\\x1b[2J: is not a directory");
    EXPECT_EQ(e.text(), "/srv/a\nenclave-run: b\x1b[2J: is not a directory");
    Error rewrapped(e.text() + " (again)");
    EXPECT_STREQ(rewrapped.what(), "/srv/a\\x0aenclave-run: b\\x1b[2J: is not a directory (again)");
}

}  // namespace
}  // namespace er::launcher
