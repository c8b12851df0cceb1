#include "launcher/cli/app_args.hpp"

#include <gtest/gtest.h>

#include "launcher/common/error.hpp"

namespace er::launcher {
namespace {

using Words = std::vector<std::string>;

std::string error_of(const Words& rest) {
    try {
        split_app_args(rest);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(AppArgs, OneAppTakesEverythingAfterIt) {
    auto apps = split_app_args({"./hello", "a", "--stats", "-x"});
    ASSERT_EQ(apps.size(), 1u);
    EXPECT_EQ(apps[0].app, "./hello");
    EXPECT_EQ(apps[0].args, (Words{"a", "--stats", "-x"}));
}

TEST(AppArgs, DoubleDashRightAfterAppIsDroppedLaterOnesAreKept) {
    auto apps = split_app_args({"app", "--", "--", "x", "--"});
    ASSERT_EQ(apps.size(), 1u);
    EXPECT_EQ(apps[0].args, (Words{"--", "x", "--"}));
    EXPECT_TRUE(split_app_args({"app", "--"})[0].args.empty());
}

TEST(AppArgs, TripleDashSeparatesApps) {
    auto apps = split_app_args({"a", "1", "---", "b", "--", "-v", "---", "c"});
    ASSERT_EQ(apps.size(), 3u);
    EXPECT_EQ(apps[0].app, "a");
    EXPECT_EQ(apps[0].args, Words{"1"});
    EXPECT_EQ(apps[1].app, "b");
    EXPECT_EQ(apps[1].args, Words{"-v"});
    EXPECT_EQ(apps[2].app, "c");
    EXPECT_TRUE(apps[2].args.empty());
}

TEST(AppArgs, EmptyGroupsAreRefused) {
    EXPECT_EQ(error_of({}), "APP is required (see enclave-run --help)");
    EXPECT_EQ(error_of({"---", "a"}), "APP is required (see enclave-run --help)");
    EXPECT_EQ(error_of({"a", "---"}), "--- must be followed by an APP (app 2 is empty)");
    EXPECT_EQ(error_of({"a", "---", "---", "b"}),
              "--- must be followed by an APP (app 2 is empty)");
    EXPECT_EQ(error_of({"a", "---", "--", "b"}), "app 2: '--' is not a program path");
    EXPECT_EQ(error_of({"--bogus", "a"}),
              "The following argument was not expected: --bogus (see enclave-run --help)");
    // Later option-like words belong to the apps.
    EXPECT_EQ(split_app_args({"a", "---", "b", "-x"})[1].args, Words{"-x"});
}

}  // namespace
}  // namespace er::launcher
