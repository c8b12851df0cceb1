#include "domain/args_blob.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

bool valid(const std::string& blob, uint32_t argc, uint32_t envc) {
    return uk::domain::args_blob_valid({blob.data(), blob.size(), argc, envc});
}

TEST(ArgsBlob, AcceptsExactlyArgcPlusEnvcStrings) {
    std::string blob("app\0a\0X=1\0", 10);
    EXPECT_TRUE(valid(blob, 2, 1));
    EXPECT_TRUE(valid(blob, 3, 0));
    EXPECT_FALSE(valid(blob, 2, 2));  // claims a string that is not there
    EXPECT_FALSE(valid(blob, 1, 1));  // trailing bytes
    EXPECT_TRUE(valid(std::string(), 0, 0));
}

TEST(ArgsBlob, RefusesAMissingTerminator) {
    std::string blob("app\0unterminated", 16);
    EXPECT_FALSE(valid(blob, 2, 0));
}

}  // namespace
