// Hooks run on the host with the OCI state on stdin; a failing one is named with its status and
// output; a timeout kills it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "launcher/common/error.hpp"
#include "launcher/oci/hooks.hpp"

namespace er::launcher::oci {
namespace {

namespace fs = std::filesystem;

TEST(OciHooks, StateOnStdinArgsAndEnv) {
    std::string out =
        (fs::temp_directory_path() / ("oci-hook-" + std::to_string(::getpid()))).string();
    Hook h;
    h.path = "/bin/sh";
    h.args = {"sh", "-c", "cat > \"$OUT\"; echo \"$0 $1\" >> \"$OUT\"", "x", "y"};
    h.env = {"OUT=" + out};
    run_hooks({h}, "prestart", "{\"id\":\"c\"}");
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(text, "{\"id\":\"c\"}x y\n");
    fs::remove(out);
}

TEST(OciHooks, FailureNamesTheHookStatusAndOutput) {
    Hook h;
    h.path = "/bin/sh";
    h.args = {"sh", "-c", "echo no network >&2; exit 3"};
    try {
        run_hooks({h}, "prestart", "{}");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "prestart hook /bin/sh: exit status 3: no network");
    }
    h.args = {"sh", "-c", "sleep 5"};
    h.timeout_s = 1;
    try {
        run_hooks({h}, "poststop", "{}");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "poststop hook /bin/sh: timed out after 1 s");
    }
    Hook missing;
    missing.path = "/nonexistent/hook";
    EXPECT_THROW(run_hooks({missing}, "prestart", "{}"), Error);  // exit status 127
}

TEST(OciHooks, JsonRoundTrip) {
    Hook h{"/bin/true", {"true", "a"}, {"K=V"}, 7};
    std::vector<Hook> back = parse_hooks(hooks_to_json({h}), "poststop");
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].path, h.path);
    EXPECT_EQ(back[0].args, h.args);
    EXPECT_EQ(back[0].env, h.env);
    EXPECT_EQ(back[0].timeout_s, 7);
}

}  // namespace
}  // namespace er::launcher::oci
