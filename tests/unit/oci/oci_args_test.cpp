// runc's command line, on the exact argv docker 20.10 / containerd 1.6 issue (docs/oci.md and
// ../shared/notes/oci.md §1.4), and Go's flag rules.
#include <gtest/gtest.h>

#include "launcher/common/error.hpp"
#include "launcher/oci/commands.hpp"
#include "launcher/oci/oci_args.hpp"

namespace er::launcher::oci {
namespace {

const std::string kBundle =
    "/run/containerd/io.containerd.runtime.v2.task/moby/"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::vector<std::string> global_prefix() {
    return {"--root",       "/var/run/docker/runtime-runc/moby",
            "--log",        kBundle + "/log.json",
            "--log-format", "json"};
}

std::vector<std::string> with_global(std::vector<std::string> rest) {
    std::vector<std::string> v = global_prefix();
    v.insert(v.end(), rest.begin(), rest.end());
    return v;
}

TEST(OciArgs, DockerCreateCommandLine) {
    GlobalOptions g = parse_global(
        with_global({"create", "--bundle", kBundle, "--pid-file", kBundle + "/init.pid", kId}));
    EXPECT_EQ(g.root, "/var/run/docker/runtime-runc/moby");
    EXPECT_EQ(g.log, kBundle + "/log.json");
    EXPECT_EQ(g.log_format, "json");
    EXPECT_FALSE(g.debug);
    ASSERT_EQ(g.command, "create");
    ParsedFlags f = parse_flags(g.args, {{"bundle", true, "b"},
                                         {"pid-file", true, nullptr},
                                         {"console-socket", true, nullptr},
                                         {"no-pivot", false, nullptr},
                                         {"no-new-keyring", false, nullptr},
                                         {"preserve-fds", true, nullptr}});
    EXPECT_EQ(f.value("bundle"), kBundle);
    EXPECT_EQ(f.value("pid-file"), kBundle + "/init.pid");
    EXPECT_FALSE(f.value("console-socket"));
    ASSERT_EQ(f.positionals, std::vector<std::string>{kId});
    EXPECT_EQ(single_id(f.positionals, "create"), kId);
}

TEST(OciArgs, DockerRunTtyCreateCarriesTheConsoleSocket) {
    GlobalOptions g = parse_global(
        with_global({"create", "--bundle", kBundle, "--pid-file", kBundle + "/init.pid",
                     "--console-socket", "/tmp/pty123/pty.sock", kId}));
    ParsedFlags f = parse_flags(
        g.args,
        {{"bundle", true, "b"}, {"pid-file", true, nullptr}, {"console-socket", true, nullptr}});
    EXPECT_EQ(f.value("console-socket"), "/tmp/pty123/pty.sock");
    EXPECT_EQ(f.positionals, std::vector<std::string>{kId});
}

TEST(OciArgs, KillAllWithANumericSignalAndStopsDefaultTerm) {
    GlobalOptions g = parse_global(with_global({"kill", "--all", kId, "9"}));
    ParsedFlags f = parse_flags(g.args, {{"all", false, "a"}});
    EXPECT_TRUE(f.flag("all"));
    ASSERT_EQ(f.positionals.size(), 2u);
    EXPECT_EQ(parse_signal(f.positionals[1]), 9);
    EXPECT_EQ(parse_signal("15"), 15);
    EXPECT_EQ(parse_signal("TERM"), 15);
    EXPECT_EQ(parse_signal("SIGKILL"), 9);
    EXPECT_EQ(parse_signal("usr1"), 10);
    EXPECT_THROW(parse_signal("NOPE"), Error);
    EXPECT_THROW(parse_signal("0"), Error);
    EXPECT_THROW(parse_signal("99"), Error);
}

TEST(OciArgs, DeleteForceAndPsFormatJson) {
    ParsedFlags d = parse_flags(parse_global(with_global({"delete", "--force", kId})).args,
                                {{"force", false, "f"}});
    EXPECT_TRUE(d.flag("force"));
    ParsedFlags p = parse_flags(parse_global(with_global({"ps", "--format", "json", kId})).args,
                                {{"format", true, "f"}});
    EXPECT_EQ(p.value("format"), "json");
    EXPECT_EQ(p.positionals, std::vector<std::string>{kId});
}

TEST(OciArgs, GoFlagForms) {
    // -flag and --flag, =value and a separate value, booleans with =false.
    GlobalOptions g = parse_global({"-root=/r", "-log", "/l", "--debug", "--systemd-cgroup=false",
                                    "--criu", "/usr/sbin/criu", "--rootless=auto", "state", "x"});
    EXPECT_EQ(g.root, "/r");
    EXPECT_EQ(g.log, "/l");
    EXPECT_TRUE(g.debug);
    EXPECT_FALSE(g.systemd_cgroup);
    EXPECT_EQ(g.log_format, "text");
    EXPECT_EQ(g.command, "state");
    EXPECT_EQ(g.args, std::vector<std::string>{"x"});
    // Flags stop at the first positional: ps arguments after the id stay positionals.
    ParsedFlags f = parse_flags({"id", "-ef"}, {{"format", true, "f"}});
    EXPECT_EQ(f.positionals, (std::vector<std::string>{"id", "-ef"}));
}

TEST(OciArgs, BadFlagsAreOneLineInGoWording) {
    try {
        parse_flags({"--nope", "id"}, {{"force", false, "f"}});
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "flag provided but not defined: -nope");
    }
    try {
        parse_flags({"--bundle"}, {{"bundle", true, "b"}});
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "flag needs an argument: -bundle");
    }
    EXPECT_THROW(parse_global({"--log-format", "xml", "state", "x"}), Error);
    EXPECT_THROW(parse_flags({"--force=maybe"}, {{"force", false, "f"}}), Error);
}

TEST(OciArgs, ContainerIds) {
    EXPECT_NO_THROW(check_container_id(kId));
    EXPECT_NO_THROW(check_container_id("web_1.a+b-c"));
    EXPECT_THROW(check_container_id(""), Error);
    EXPECT_THROW(check_container_id(".."), Error);
    EXPECT_THROW(check_container_id("a/b"), Error);
    EXPECT_THROW(check_container_id("a b"), Error);
    EXPECT_THROW(single_id({}, "state"), Error);
    EXPECT_THROW(single_id({"a", "b"}, "state"), Error);
}

}  // namespace
}  // namespace er::launcher::oci
