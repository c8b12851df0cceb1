#include "launcher/vm/args_blob.hpp"

#include <gtest/gtest.h>

#include <string>

#include "launcher/common/error.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {
namespace {

TEST(ArgsBlob, ArgvThenEnvEachNulTerminated) {
    ArgsBlob blob = build_args_blob({"./hello", "a", ""}, {"K=V"}, ER_ARGS_MAX);
    std::string expected("./hello\0a\0\0K=V\0", 15);
    EXPECT_EQ(std::string(blob.bytes.begin(), blob.bytes.end()), expected);
    EXPECT_EQ(blob.argc, 3u);
    EXPECT_EQ(blob.envc, 1u);
}

TEST(ArgsBlob, ExactlyFullIsAcceptedOneMoreIsRefused) {
    std::string big(99, 'x');  // 99 + NUL = 100 bytes
    EXPECT_EQ(build_args_blob({big}, {}, 100).bytes.size(), 100u);
    EXPECT_THROW(build_args_blob({big, ""}, {}, 100), Error);
}

TEST(ArgsBlob, TooBigForTheAbiLimit) {
    std::string arg(4096, 'a');
    std::vector<std::string> argv(ER_ARGS_MAX / 4096, arg);  // 14 x 4097 > 56 KiB
    try {
        build_args_blob(argv, {}, ER_ARGS_MAX);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("too long"), std::string::npos);
    }
}

TEST(ArgsBlob, RefusesEmbeddedNul) {
    EXPECT_THROW(build_args_blob({std::string("a\0b", 3)}, {}, ER_ARGS_MAX), Error);
}

}  // namespace
}  // namespace er::launcher
