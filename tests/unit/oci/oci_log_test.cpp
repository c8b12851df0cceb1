// The error entry containerd's shim decodes from <bundle>/log.json (it keeps the last
// level=error msg): one JSON object per line with level, msg and time.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "launcher/oci/oci_log.hpp"

namespace er::launcher::oci {
namespace {

TEST(OciLog, JsonEntryIsOneObjectPerLine) {
    std::string e = format_log_entry("json", "error", "container \"x\" does not exist\n",
                                     "2026-12-07T07:00:00Z");
    ASSERT_FALSE(e.empty());
    EXPECT_EQ(e.back(), '\n');
    EXPECT_EQ(e.find('\n'), e.size() - 1);  // the message's newline is escaped
    nlohmann::json j = nlohmann::json::parse(e);
    EXPECT_EQ(j["level"], "error");
    EXPECT_EQ(j["msg"], "container \"x\" does not exist\n");
    EXPECT_EQ(j["time"], "2026-12-07T07:00:00Z");
}

TEST(OciLog, TextEntryIsLogrusStyle) {
    EXPECT_EQ(format_log_entry("text", "error", "boom", "T"),
              "time=\"T\" level=error msg=\"boom\"\n");
}

TEST(OciLog, InvalidUtf8StaysDecodable) {
    std::string e = format_log_entry("json", "error", std::string("bad \xff byte"), "T");
    EXPECT_FALSE(nlohmann::json::parse(e, nullptr, false).is_discarded()) << e;
}

TEST(OciLog, Rfc3339Now) {
    std::string t = rfc3339_now();
    ASSERT_EQ(t.size(), 30u) << t;  // 2026-12-07T07:00:00.123456789Z
    EXPECT_EQ(t[4], '-');
    EXPECT_EQ(t[10], 'T');
    EXPECT_EQ(t.back(), 'Z');
}

}  // namespace
}  // namespace er::launcher::oci
