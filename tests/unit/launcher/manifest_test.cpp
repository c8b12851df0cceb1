#include "launcher/enclave/manifest.hpp"

#include <gtest/gtest.h>

#include "launcher/common/error.hpp"
#include "test_support.hpp"

namespace er::launcher {
namespace {

std::string error_of(const std::string& text, const std::string& base = "/m") {
    try {
        parse_manifest(text, "enclave.json", base);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Manifest, FullExample) {
    test::TempDir dir;
    dir.make_dir("tree");
    Manifest m = parse_manifest(R"({"memory": "256M", "timeout": 30, "tick_ms": 5,
        "apps": [{"name": "web", "path": "apps/hello", "args": ["a", "b"], "env": {"K": "V", "A": "1"},
                  "memory": "32M", "root": "tree", "isolation": "pagetable"},
                 {"path": "/abs/spin"}, {"path": "x/spin", "isolation": "mpk"}]})",
                                "enclave.json", dir.path());
    EXPECT_EQ(m.memory, 256u << 20);
    EXPECT_EQ(m.timeout_s, 30.0);
    EXPECT_EQ(m.timeout_text, "30");
    EXPECT_EQ(m.tick_ms, 5u);
    ASSERT_EQ(m.apps.size(), 3u);
    const AppSpec& web = m.apps[0];
    EXPECT_EQ(web.name, "web");
    EXPECT_EQ(web.path, dir.path() + "/apps/hello");  // relative to the manifest's directory
    EXPECT_EQ(web.argv0, "apps/hello");
    EXPECT_EQ(web.args, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(web.env, (std::vector<std::string>{"A=1", "K=V"}));
    EXPECT_EQ(web.mem_limit, 32u << 20);
    EXPECT_EQ(web.root, dir.path() + "/tree");
    EXPECT_EQ(web.isolation, uint32_t{ER_ISO_PAGETABLE});
    EXPECT_EQ(m.apps[1].name, "spin");
    EXPECT_EQ(m.apps[1].path, "/abs/spin");
    EXPECT_EQ(m.apps[1].isolation, uint32_t{ER_ISO_AUTO});
    EXPECT_EQ(m.apps[2].name, "spin-2");
    EXPECT_EQ(m.apps[2].isolation, uint32_t{ER_ISO_MPK});
}

TEST(Manifest, GlobalsAreOptional) {
    Manifest m = parse_manifest(R"({"apps": [{"path": "a"}]})", "e.json", "");
    EXPECT_FALSE(m.memory);
    EXPECT_FALSE(m.timeout_s);
    EXPECT_FALSE(m.tick_ms);
    EXPECT_EQ(m.apps[0].path, "a");
}

TEST(Manifest, EachProblemNamesItsJsonPath) {
    const std::string p = "enclave.json: ";
    EXPECT_EQ(error_of(R"([])"), p + "$: expected an object, got []");
    EXPECT_EQ(error_of(R"({})"), p + "$.apps: missing (the list of apps is required)");
    EXPECT_EQ(error_of(R"({"apps": []})"), p + "$.apps: expected 1 to 64 apps, got 0");
    EXPECT_EQ(error_of(R"({"apps": {}})"), p + "$.apps: expected a list of apps, got {}");
    EXPECT_EQ(
        error_of(R"({"apps": [{"path": "a"}], "bogus": 1})"),
        p + "$.bogus: unknown key (expected one of memory, timeout, tick_ms, confidential, apps)");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "cmd": "x"}]})"),
              p + "$.apps[0].cmd: unknown key (expected one of name, path, args, env, memory, "
                  "root, isolation, network)");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a"}, {"path": "b", "memory": true}]})"),
              p + "$.apps[1].memory: expected a size like \"32M\", got true");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "memory": "lots"}]})"),
              p + "$.apps[0].memory: expected a size like \"32M\", got \"lots\"");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "memory": 0}]})"),
              p + "$.apps[0].memory: must not be 0");
    EXPECT_EQ(error_of(R"({"apps": [{"name": "a"}]})"),
              p + "$.apps[0].path: missing (the app's program file is required)");
    EXPECT_EQ(error_of(R"({"apps": [{"path": 3}]})"),
              p + "$.apps[0].path: expected a file path, got 3");
    EXPECT_EQ(error_of(R"({"apps": [{"path": ""}]})"), p + "$.apps[0].path: is empty");
    EXPECT_EQ(error_of(R"({"apps": [7]})"), p + "$.apps[0]: expected an app object, got 7");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "args": "x"}]})"),
              p + "$.apps[0].args: expected a list of strings, got \"x\"");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "args": ["x", 1]}]})"),
              p + "$.apps[0].args[1]: expected a string, got 1");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "env": ["x"]}]})"),
              p + "$.apps[0].env: expected an object of strings, got [\"x\"]");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "env": {"K": 1}}]})"),
              p + "$.apps[0].env.K: expected a string, got 1");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "env": {"A=B": "x"}}]})"),
              p + "$.apps[0].env.A=B: is not an environment variable name");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "isolation": "vm"}]})"),
              p + "$.apps[0].isolation: expected \"auto\", \"pagetable\" or \"mpk\", got \"vm\"");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "root": "/nonexistent/dir"}]})"),
              p + "$.apps[0].root: /nonexistent/dir is not a directory");
    EXPECT_EQ(error_of(R"({"memory": "8M", "apps": [{"path": "a"}]})"),
              p + "$.memory: 8M is below the minimum of 16 MiB");
    EXPECT_EQ(error_of(R"({"memory": [1], "apps": [{"path": "a"}]})"),
              p + "$.memory: expected a size like \"256M\", got [1]");
    EXPECT_EQ(error_of(R"({"timeout": 0, "apps": [{"path": "a"}]})"),
              p + "$.timeout: expected seconds in (0, 10000000], got 0");
    EXPECT_EQ(error_of(R"({"tick_ms": -1, "apps": [{"path": "a"}]})"),
              p + "$.tick_ms: expected whole milliseconds in [0, 1000], got -1");
    EXPECT_EQ(error_of(R"({"confidential": "tdx", "apps": [{"path": "a"}]})"),
              p + "$.confidential: expected \"auto\", \"snp\", \"es\", \"sev\", \"off\" or "
                  "\"sim\", got \"tdx\"");
    EXPECT_EQ(error_of(R"({"confidential": 1, "apps": [{"path": "a"}]})"),
              p + "$.confidential: expected \"auto\", \"snp\", \"es\", \"sev\", \"off\" or "
                  "\"sim\", got 1");
}

// An app's own network namespace (docs/manifest.md): kept as written; anything else is one line
// naming the app's JSON path.
TEST(Manifest, AppNetworkIsCheckedAndKept) {
    Manifest m = parse_manifest(R"({"apps": [{"path": "a", "network": "host"},
        {"path": "b", "network": "none"}, {"path": "c", "network": "none:lan-1"}, {"path": "d"}]})",
                                "enclave.json", "/base");
    ASSERT_EQ(m.apps.size(), 4u);
    EXPECT_EQ(m.apps[0].network, std::optional<std::string>("host"));
    EXPECT_EQ(m.apps[1].network, std::optional<std::string>("none"));
    EXPECT_EQ(m.apps[2].network, std::optional<std::string>("none:lan-1"));
    EXPECT_EQ(m.apps[3].network, std::nullopt);  // the enclave's (--network)

    const std::string want =
        "enclave.json: $.apps[1].network: expected \"host\", \"none\" or \"none:NAME\" (NAME: 1 to "
        "31 of A-Z a-z 0-9 _ . -), got ";
    for (const char* bad : {R"("bridge")", R"("none:")", R"("none:a b")", R"("Host")",
                            R"("none:0123456789012345678901234567890123")", "1", "null"}) {
        std::string text =
            std::string(R"({"apps": [{"path": "a"}, {"path": "b", "network": )") + bad + "}]}";
        std::string shown = bad;
        if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
        EXPECT_EQ(error_of(text), want + shown) << bad;
    }
}

TEST(Manifest, ConfidentialModeIsKeptAsNamed) {
    Manifest m = parse_manifest(R"({"confidential": "sim", "apps": [{"path": "a"}]})",
                                "enclave.json", "/base");
    EXPECT_EQ(m.confidential, std::optional<std::string>("sim"));
}

// A number beyond a double's range makes the JSON parser give up mid-value; the line still names
// the file and the value's path (not "internal error: [json.exception...").
TEST(Manifest, AnOverflowingNumberNamesItsJsonPath) {
    const std::string p = "enclave.json: ";
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a"}, {"path": "b", "memory": 1e400}]})"),
              p + "$.apps[1].memory: the number is too large");
    EXPECT_EQ(error_of(R"({"timeout": -1e999, "apps": [{"path": "a"}]})"),
              p + "$.timeout: the number is too large");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "args": ["x", {"k": [1, 2, 3e999]}]}]})"),
              p + "$.apps[0].args[1].k[2]: the number is too large");
    // An integer too large for 64 bits is a double, then refused with the value shown.
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "memory": 123456789012345678901234}]})"),
              p + "$.apps[0].memory: expected a size like \"32M\", got 1.2345678901234569e+23");
}

// Every string ends up as a C string (a file name, argv, environ): a NUL would cut it silently.
TEST(Manifest, ANulInAStringOrKeyNamesItsJsonPath) {
    const std::string p = "enclave.json: ";
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a\u0000b"}]})"),
              p + "$.apps[0].path: must not contain a NUL byte");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "env": {"K\u0000X": "v"}}]})"),
              p + "$.apps[0].env.K\\x00X: an environment variable name must not contain a NUL "
                  "byte");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "env": {"K": "v\u0000"}}]})"),
              p + "$.apps[0].env.K: must not contain a NUL byte");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "args": ["x", "\u0000"]}]})"),
              p + "$.apps[0].args[1]: must not contain a NUL byte");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "root": "r\u0000"}]})"),
              p + "$.apps[0].root: must not contain a NUL byte");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "x\u0000": 1}]})"),
              p + "$.apps[0].x\\x00: a key must not contain a NUL byte");
}

// Strings from the manifest reach the terminal escaped, once.
TEST(Manifest, OddBytesInValuesAreEscapedOnce) {
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "isolation": "\u001b[2J"}]})"),
              "enclave.json: $.apps[0].isolation: expected \"auto\", \"pagetable\" or "
              "\"mpk\", got \"\\x1b[2J\"");
}

TEST(Manifest, NamesAreCheckedAndUnique) {
    const std::string p = "enclave.json: ";
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "name": "a b"}]})"),
              p + "$.apps[0].name: \"a b\" is not a domain name (1 to 31 of A-Z a-z 0-9 _ . -)");
    EXPECT_EQ(error_of(R"({"apps": [{"path": "a", "name": ""}]})"),
              p + "$.apps[0].name: \"\" is not a domain name (1 to 31 of A-Z a-z 0-9 _ . -)");
    EXPECT_EQ(
        error_of(
            R"({"apps": [{"path": "a", "name": "x"}, {"path": "b"}, {"path": "c", "name": "x"}]})"),
        p + "$.apps[2].name: \"x\" is already the name of $.apps[0]");
}

TEST(Manifest, TooManyApps) {
    std::string apps;
    for (int i = 0; i < 65; ++i) apps += std::string(i ? "," : "") + R"({"path": "a"})";
    EXPECT_EQ(error_of(R"({"apps": [)" + apps + "]}"),
              "enclave.json: $.apps: expected 1 to 64 apps, got 65");
}

TEST(Manifest, MalformedJsonGivesLineAndColumn) {
    std::string e = error_of("{\n  \"apps\": [\n}");
    EXPECT_EQ(e.rfind("enclave.json: line 3, column 1: ", 0), 0u) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(Manifest, FileErrorsNameTheFile) {
    try {
        read_manifest("/nonexistent/enclave.json");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "/nonexistent/enclave.json: cannot open: No such file or directory");
    }
    test::TempDir dir;
    std::string text = R"({"apps": [{"path": "bin/app"}]})";
    dir.write_file("e.json", std::vector<uint8_t>(text.begin(), text.end()));
    Manifest m = read_manifest(dir.path() + "/e.json");
    EXPECT_EQ(m.apps[0].path, dir.path() + "/bin/app");
}

}  // namespace
}  // namespace er::launcher
