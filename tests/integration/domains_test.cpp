// End-to-end tests of enclaves with several domains (issue #3): hostile apps next to a victim and
// hello, fairness against a spinning domain, per-domain output files, manifests, and the libOS as
// a confused deputy.  Each test boots a real VM (tests/vm/with-kvm.sh: this machine's KVM or the
// test VM).  The ManifestRefused cases need no KVM (enclave-run refuses a bad manifest before it
// opens /dev/kvm) but run in the same batch.
//
// What the apps print is documented in apps/README.md; the victim's lines are recomputed here.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "domain_output.hpp"
#include "harness.hpp"

namespace {

using er::test::app;
using er::test::enclave;
using er::test::Result;

using er::test::by_domain;
using er::test::expect_kill_line;
using er::test::join;
using er::test::kHello;
using er::test::summary;
using er::test::victim_lines;

// The victim and hello (or hello-pie) next to a hostile domain: both produce exactly their
// output and exit 0.
void expect_bystanders_intact(const Result& r, const std::string& hello = "hello") {
    auto out = by_domain(r.out);
    EXPECT_EQ(join(out["victim"]), join(victim_lines())) << "victim's output changed:\n" << r.out;
    EXPECT_EQ(join(out[hello]), kHello + "\n") << r.out;
    EXPECT_EQ(join(out[""]), "") << "unprefixed lines on stdout:\n" << r.out;
    auto rows = summary(r.err);
    EXPECT_EQ(rows["victim"].status, "exited 0") << r.err;
    EXPECT_EQ(rows[hello].status, "exited 0") << r.err;
    EXPECT_EQ(r.err.find("victim: memory changed"), std::string::npos) << r.err;
}

// ---- (a) the issue's "Done when": a three-app enclave with one hostile domain ----------------

struct HostileCase {
    const char* label;  // test name suffix
    const char* app;    // apps/NAME
    std::vector<std::string> args;
    const char* stdout_text;  // all it prints: up to its attack ("" = not known in advance)
    int status;               // its status: 128 + signal
    const char* signal;
    const char* reason;  // in the kill line's (MESSAGE)
    // The third app: hello, or hello-pie where the attack aims at a static-PIE domain's image
    // (0x555555554000): then a domain really has its code and data there, in its own space.
    const char* hello = "hello";
};

class ThreeApps : public ::testing::TestWithParam<HostileCase> {};

// victim --- HOSTILE --- hello: the hostile domain sits between the two, so one domain starts
// before it and one after; it is killed with its reason, the other two are untouched, and
// enclave-run's status is the hostile domain's (the first failed one).  The victim is EXEC at
// 0x400000, so attacks on 0x400000 from a PIE app aim at a live domain's image too.
TEST_P(ThreeApps, HostileDiesAloneAndTheOthersAreIntact) {
    const HostileCase& c = GetParam();
    std::vector<std::string> args = {"run", app("victim"), "---", app(c.app)};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), {"---", app(c.hello)});
    Result r = enclave(args);
    ASSERT_FALSE(r.signaled) << "enclave-run itself died";
    EXPECT_EQ(r.status, c.status) << r.err;
    auto out = by_domain(r.out);
    if (*c.stdout_text) {
        EXPECT_EQ(join(out[c.app]), c.stdout_text)
            << "the hostile app did not get exactly as far as its attack:\n"
            << r.out;
    } else {
        EXPECT_EQ(out[c.app].size(), 1u) << r.out;
    }
    expect_kill_line(r, c.app, c.signal, c.reason);
    EXPECT_EQ(summary(r.err)[c.app].status, std::string("killed ") + c.signal) << r.err;
    expect_bystanders_intact(r, c.hello);
    EXPECT_EQ(r.out.find("NOT CONTAINED"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Hostile, ThreeApps,
    ::testing::Values(HostileCase{"read_direct_map",
                                  "hostile-read-kernel",
                                  {"direct-map"},
                                  "hostile-read-kernel: reading direct-map at 0xffff800000100000\n",
                                  139,
                                  "SIGSEGV",
                                  "user read of kernel page"},
                      HostileCase{"read_kernel_text",
                                  "hostile-read-kernel",
                                  {"text"},
                                  "hostile-read-kernel: reading text at 0xffffffff80100000\n",
                                  139,
                                  "SIGSEGV",
                                  "user read of kernel page"},
                      HostileCase{"write_kernel_text",
                                  "hostile-write-kernel",
                                  {"text"},
                                  "hostile-write-kernel: writing text at 0xffffffff80100000\n",
                                  139,
                                  "SIGSEGV",
                                  "user write to kernel page"},
                      HostileCase{"write_kernel_data",
                                  "hostile-write-kernel",
                                  {"data"},
                                  "hostile-write-kernel: writing data at 0xffff800000100000\n",
                                  139,
                                  "SIGSEGV",
                                  "user write to kernel page"},
                      HostileCase{"write_boot_info",
                                  "hostile-write-kernel",
                                  {"boot"},
                                  "hostile-write-kernel: writing boot at 0xffff800000001000\n",
                                  139,
                                  "SIGSEGV",
                                  "user write to kernel page"},
                      HostileCase{"jump_kernel",
                                  "hostile-jump",
                                  {"kernel"},
                                  "hostile-jump: jumping to kernel at 0xffffffff80100000\n",
                                  139,
                                  "SIGSEGV",
                                  "user execute of kernel page"},
                      HostileCase{"jump_direct_map",
                                  "hostile-jump",
                                  {"direct-map"},
                                  "hostile-jump: jumping to direct-map at 0xffff800000100000\n",
                                  139,
                                  "SIGSEGV",
                                  "user execute of kernel page"},
                      HostileCase{"jump_other_domain",
                                  "hostile-jump",
                                  {"other"},
                                  "hostile-jump: jumping to other at 0x555555554000\n",
                                  139,
                                  "SIGSEGV",
                                  "execute at unmapped address",
                                  "hello-pie"},
                      HostileCase{"jump_stack",
                                  "hostile-jump",
                                  {"stack"},
                                  "",
                                  139,
                                  "SIGSEGV",
                                  "execute of non-executable memory"},
                      HostileCase{"read_pie_base",
                                  "hostile-read-other",
                                  {"pie"},
                                  "hostile-read-other: 8 MiB of fresh memory read as zero\n"
                                  "hostile-read-other: reading pie at 0x555555554000\n",
                                  139,
                                  "SIGSEGV",
                                  "read of unmapped address",
                                  "hello-pie"},
                      HostileCase{"read_high_hole",
                                  "hostile-read-other",
                                  {"high", "0"},
                                  "hostile-read-other: reading high at 0x7e0000000000\n",
                                  139,
                                  "SIGSEGV",
                                  "read of unmapped address"},
                      HostileCase{"read_exec_base_from_pie",
                                  "hostile-read-other-pie",
                                  {"exec", "0"},
                                  "hostile-read-other: reading exec at 0x400000\n",
                                  139,
                                  "SIGSEGV",
                                  "read of unmapped address"},
                      HostileCase{"privileged",
                                  "hostile-privileged",
                                  {},
                                  "hostile-privileged: cli\n",
                                  139,
                                  "SIGSEGV",
                                  "privileged instruction"}),
    [](const auto& info) { return std::string(info.param.label); });

// Each privileged instruction on its own (one domain is enough: this checks the reason).
class Privileged : public ::testing::TestWithParam<const char*> {};

TEST_P(Privileged, KillsWithAPrivilegedInstructionReason) {
    Result r = enclave({"run", app("hostile-privileged"), GetParam()});
    EXPECT_EQ(r.status, 139) << r.err;
    EXPECT_EQ(r.out, std::string("hostile-privileged: ") + GetParam() + "\n");
    expect_kill_line(r, "hostile-privileged", "SIGSEGV", "privileged instruction");
}

INSTANTIATE_TEST_SUITE_P(Instructions, Privileged,
                         ::testing::Values("cli", "hlt", "in", "out", "wrmsr", "rdmsr", "lgdt",
                                           "lidt", "mov-cr3", "invlpg", "wbinvd"),
                         [](const auto& info) {
                             std::string n = info.param;
                             for (char& ch : n)
                                 if (ch == '-') ch = '_';
                             return n;
                         });

// ---- (b) fairness ---------------------------------------------------------------------------

constexpr int kTickMs = 10;

long victim_clock(const std::string& err, const char* what) {
    std::smatch m;
    if (!std::regex_search(err, m, std::regex(std::string("victim: ") + what + " at ([0-9]+)")))
        return -1;
    return std::stol(m[1]);
}

// hostile-spin is domain 0, entered first, and never yields.  hello still runs and ends while
// spin runs on (only --timeout ends the enclave), and spin costs hello at most a few ticks: its
// run time (first entry to exit) is its time alone plus the ticks spin held the CPU while hello
// was runnable.  Measured with 10 ms ticks: alone 2-3 ms, next to spin 3-29 ms; the bound is its
// time alone plus 4 ticks.  A scheduler that let spin keep the CPU 10 ticks in a row fails.
TEST(Fairness, SpinningDomainDoesNotStarveHello) {
    Result alone =
        enclave({"run", "--summary", "--tick-ms", std::to_string(kTickMs), app("hello")});
    ASSERT_EQ(alone.status, 0) << alone.err;
    long alone_ms = summary(alone.err)["hello"].time_ms;
    ASSERT_GE(alone_ms, 0) << alone.err;

    Result r = enclave({"run", "--tick-ms", std::to_string(kTickMs), "--timeout", "5",
                        app("hostile-spin"), "---", app("hello")},
                       120);
    ASSERT_FALSE(r.timed_out) << "enclave-run did not honour --timeout";
    EXPECT_EQ(r.status, 124) << r.err;
    EXPECT_NE(r.err.find("enclave-run: enclave: timed out after 5 s"), std::string::npos) << r.err;
    auto out = by_domain(r.out);
    EXPECT_EQ(join(out["hello"]), kHello + "\n") << r.out;
    auto rows = summary(r.err);
    EXPECT_EQ(rows["hello"].status, "exited 0") << r.err;
    EXPECT_EQ(rows["hostile-spin"].status, "unfinished") << r.err;
    ASSERT_GE(rows["hello"].time_ms, 0) << r.err;
    EXPECT_LE(rows["hello"].time_ms, alone_ms + 4 * kTickMs)
        << "hello was held up by spin (alone " << alone_ms << " ms):\n"
        << r.err;
    std::cout << "[ measured ] hello alone " << alone_ms << " ms, next to spin "
              << rows["hello"].time_ms << " ms\n";
}

// The victim needs several ticks of CPU and calls sched_yield() after each of its 50 lines.
// Next to a spinner it must still get a fair share: round robin at most doubles its CPU time, and
// each yield may hand spin its turn, at most a few ticks.  The bound is generous because the
// test VM's emulated timer stretches under host load: 5x its time alone plus 4 ticks per yield
// and 10 more.  Measured: alone 9-42 ms; next to spin about 500 ms on an idle host, 1400 ms on a
// loaded one (bound about 2.2 s).  A scheduler that let spin keep the CPU for 10 ticks per turn
// would need 5 s; one that starved the victim would hit the timeout.
TEST(Fairness, SpinningDomainGetsNoMoreThanItsShare) {
    std::string tick = std::to_string(kTickMs);
    Result alone = enclave({"run", "--tick-ms", tick, app("victim"), "50", "clock"}, 120);
    ASSERT_EQ(alone.status, 0) << alone.err;
    EXPECT_EQ(alone.out, join(victim_lines()));
    long alone_ns = victim_clock(alone.err, "done") - victim_clock(alone.err, "started");
    ASSERT_GT(alone_ns, 0) << alone.err;

    // The victim needs under a second here even next to spin; the timeout then ends spin.
    Result r = enclave({"run", "--tick-ms", tick, "--timeout", "10", app("hostile-spin"), "---",
                        app("victim"), "50", "clock"},
                       120);
    EXPECT_EQ(r.status, 124) << r.err;
    auto out = by_domain(r.out);
    EXPECT_EQ(join(out["victim"]), join(victim_lines())) << r.out;
    EXPECT_EQ(summary(r.err)["victim"].status, "exited 0") << r.err;
    long shared_ns = victim_clock(r.err, "done") - victim_clock(r.err, "started");
    ASSERT_GT(shared_ns, 0) << r.err;
    EXPECT_LE(shared_ns, 5 * alone_ns + (50 * 4 + 10) * kTickMs * 1000000l)
        << "alone " << alone_ns << " ns, next to spin " << shared_ns << " ns";
    std::cout << "[ measured ] victim alone " << alone_ns / 1000000 << " ms, next to spin "
              << shared_ns / 1000000 << " ms\n";
}

// The control: with the timer off (--tick-ms 0) nothing preempts spin, so hello never runs.
// Shows the fairness tests above would fail without preemption.
TEST(Fairness, WithoutTheTimerSpinStarvesHello) {
    Result r = enclave(
        {"run", "--tick-ms", "0", "--timeout", "5", app("hostile-spin"), "---", app("hello")}, 120);
    EXPECT_EQ(r.status, 124) << r.err;
    EXPECT_EQ(r.out.find(kHello), std::string::npos) << r.out;
    EXPECT_EQ(summary(r.err)["hello"].status, "unfinished") << r.err;
}

// ---- (c) per-domain files -------------------------------------------------------------------

TEST(Output, PerDomainFilesHoldEachStreamUnprefixed) {
    std::string dir = er::test::kScratch + "/out-three";
    Result r = enclave({"run", "--output", dir, app("victim"), "---", app("stderr"), "---",
                        app("hostile-read-kernel")});
    EXPECT_EQ(r.status, 139) << r.err;
    EXPECT_EQ(r.out, "") << "with --output nothing of the domains reaches stdout";
    using er::test::read_file;
    EXPECT_EQ(read_file(dir + "/victim.stdout"), join(victim_lines()));
    EXPECT_EQ(read_file(dir + "/victim.stderr"), "");
    EXPECT_EQ(read_file(dir + "/stderr.stdout"), "to stdout\n");
    EXPECT_EQ(read_file(dir + "/stderr.stderr"), "to stderr\n");
    EXPECT_EQ(read_file(dir + "/hostile-read-kernel.stdout"),
              "hostile-read-kernel: reading direct-map at 0xffff800000100000\n");
    EXPECT_EQ(read_file(dir + "/hostile-read-kernel.stderr"), "");
    // The launcher's own lines stay on its stderr: the kill line and the summary.
    expect_kill_line(r, "hostile-read-kernel", "SIGSEGV", "user read of kernel page");
    EXPECT_EQ(summary(r.err)["victim"].status, "exited 0") << r.err;
}

TEST(Output, PrefixedStreamsStaySeparate) {
    Result r = enclave({"run", app("stderr"), "---", app("hello")});
    EXPECT_EQ(r.status, 0) << r.err;
    auto out = by_domain(r.out);
    EXPECT_EQ(join(out["stderr"]), "to stdout\n") << r.out;
    EXPECT_EQ(join(out["hello"]), kHello + "\n") << r.out;
    EXPECT_EQ(join(out[""]), "") << r.out;
    auto err = by_domain(r.err);
    EXPECT_EQ(join(err["stderr"]), "to stderr\n") << r.err;
    EXPECT_EQ(err.count("hello"), 0u) << r.err;
    // Names are padded to the longest, as docker compose does.
    EXPECT_NE(r.out.find("hello  | " + kHello + "\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("stderr | to stdout\n"), std::string::npos) << r.out;
}

// Two domains from the same file get unique names.
TEST(Output, SameAppTwiceGetsTwoNames) {
    Result r = enclave({"run", app("hello"), "---", app("hello")});
    EXPECT_EQ(r.status, 0) << r.err;
    auto out = by_domain(r.out);
    EXPECT_EQ(join(out["hello"]), kHello + "\n") << r.out;
    EXPECT_EQ(join(out["hello-2"]), kHello + "\n") << r.out;
}

// ---- (d) manifests --------------------------------------------------------------------------

std::string quoted(const std::string& s) {
    return "\"" + s + "\"";
}

// Per-app args, env and memory limit.  Each domain sees only its own environment; the OOM domain
// dies at its own limit while the others finish.
TEST(Manifest, PerAppArgsEnvAndMemoryLimit) {
    std::string json = R"({
  "memory": "256M",
  "apps": [
    {"name": "a", "path": )" +
                       quoted(app("echo-args")) + R"(, "args": ["one", "two words"],
     "env": {"ONLY_A": "1"}},
    {"name": "b", "path": )" +
                       quoted(app("echo-args")) + R"(, "env": {"ONLY_B": "2"}},
    {"name": "oom", "path": )" +
                       quoted(app("hostile-oom")) + R"(, "memory": "32M"},
    {"name": "victim", "path": )" +
                       quoted(app("victim")) + R"(}
  ]
})";
    std::string path = er::test::write_file("enclave-limits.json", json);
    Result r = enclave({"run", "-f", path});
    ASSERT_FALSE(r.signaled);
    auto out = by_domain(r.out);
    EXPECT_EQ(join(out["a"]), "argc=3\nargv[0]=" + app("echo-args") +
                                  "\nargv[1]=one\nargv[2]=two words\nenv: ONLY_A=1\n")
        << r.out;
    EXPECT_EQ(join(out["b"]), "argc=1\nargv[0]=" + app("echo-args") + "\nenv: ONLY_B=2\n") << r.out;
    EXPECT_EQ(join(out["victim"]), join(victim_lines())) << r.out;
    auto rows = summary(r.err);
    EXPECT_EQ(rows["a"].status, "exited 0") << r.err;
    EXPECT_EQ(rows["b"].status, "exited 0") << r.err;
    EXPECT_EQ(rows["victim"].status, "exited 0") << r.err;
    // The limit holds it; enclave-run's status is its (the first failed domain's).
    EXPECT_EQ(rows["oom"].status, "killed SIGKILL (memory limit exceeded)") << r.err;
    EXPECT_EQ(r.status, 137) << r.err;
    EXPECT_GT(rows["oom"].mem_mib, 16) << "it should have got close to its limit:\n" << r.err;
    EXPECT_LE(rows["oom"].mem_mib, 32) << "peak memory above the 32M limit:\n" << r.err;
    EXPECT_EQ(out["oom"].front(), "hostile-oom: allocating") << r.out;
    EXPECT_EQ(r.out.find("NOT CONTAINED"), std::string::npos) << r.out;
}

// The issue's "Done when" with the memory limit as the hostile act, ordered as in (a).
TEST(Manifest, OomDomainDiesAloneAtItsLimit) {
    std::string json = R"({"apps": [
    {"path": )" + quoted(app("victim")) +
                       R"(},
    {"path": )" + quoted(app("hostile-oom")) +
                       R"(, "memory": "24M"},
    {"path": )" + quoted(app("hello")) +
                       R"(}]})";
    Result r = enclave({"run", "-f", er::test::write_file("enclave-oom.json", json)});
    expect_bystanders_intact(r);
    auto rows = summary(r.err);
    EXPECT_EQ(rows["hostile-oom"].status, "killed SIGKILL (memory limit exceeded)") << r.err;
    EXPECT_LE(rows["hostile-oom"].mem_mib, 24) << r.err;
    EXPECT_EQ(r.status, 137) << r.err;
}

// ---- (e) the libOS is no confused deputy ----------------------------------------------------

// Next to the victim, so a libOS that wrote where the pointer said would show in its checksums.
TEST(Deputy, EveryBadPointerIsEfault) {
    Result r = enclave({"run", app("victim"), "---", app("hostile-syscall-ptr")});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    auto out = by_domain(r.out);
    EXPECT_EQ(join(out["victim"]), join(victim_lines())) << r.out;
    const auto& lines = out["hostile-syscall-ptr"];
    ASSERT_FALSE(lines.empty()) << r.out;
    static const std::regex call("hostile-syscall-ptr: (.*) = (-?[0-9]+)");
    int calls = 0;
    for (size_t i = 0; i + 1 < lines.size(); i++) {
        std::smatch m;
        ASSERT_TRUE(std::regex_match(lines[i], m, call)) << "unexpected line: " << lines[i];
        EXPECT_EQ(m[2], "-14") << m[1] << " was not -EFAULT";
        calls++;
    }
    EXPECT_EQ(calls, 37);
    EXPECT_EQ(lines.back(), "hostile-syscall-ptr: 37 calls, 0 not EFAULT");
    EXPECT_EQ(join(out[""]), "") << "bytes from a bad pointer reached stdout:\n" << r.out;
}

TEST(Deputy, UnknownAndPrivilegedSyscallsFail) {
    Result r = enclave({"run", app("victim"), "---", app("hostile-syscalls")});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    auto out = by_domain(r.out);
    EXPECT_EQ(join(out["victim"]), join(victim_lines())) << r.out;
    const auto& lines = out["hostile-syscalls"];
    ASSERT_FALSE(lines.empty()) << r.out;
    static const std::regex call("hostile-syscalls: (unknown|linux|privileged) (.*) = (-?[0-9]+)");
    int unknown = 0, total = 0;
    for (size_t i = 0; i + 1 < lines.size(); i++) {
        std::smatch m;
        ASSERT_TRUE(std::regex_match(lines[i], m, call)) << "unexpected line: " << lines[i];
        long ret = std::stol(m[3]);
        total++;
        if (m[1] == "unknown") {
            unknown++;
            EXPECT_EQ(ret, -38) << lines[i] << ": an unknown syscall must be ENOSYS";
        } else {
            EXPECT_TRUE(ret < 0 && ret >= -4095) << lines[i] << ": must fail with an errno";
        }
    }
    EXPECT_EQ(unknown, 89 + 4);  // 335..423, then 512, 1000, 0xffffffff, -1
    EXPECT_EQ(lines.back(),
              "hostile-syscalls: " + std::to_string(total) + " calls, 0 not an error");
}

// ---- malformed manifests: refused before any VM, with the JSON path -------------------------

struct BadManifest {
    const char* label;
    std::string json;
    const char* needle;  // the JSON path (and what is wrong) in the one error line
};

class ManifestRefused : public ::testing::TestWithParam<BadManifest> {};

TEST_P(ManifestRefused, IsRefusedWithTheJsonPath) {
    const BadManifest& c = GetParam();
    std::string path = er::test::write_file(std::string("bad-") + c.label + ".json", c.json);
    Result r = enclave({"run", "-f", path});
    EXPECT_EQ(r.status, 125) << r.err;
    er::test::expect_one_error_line(r, c.needle);
    EXPECT_NE(r.err.find("bad-" + std::string(c.label) + ".json"), std::string::npos)
        << "the line should name the file: " << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ManifestRefused,
    ::testing::Values(
        BadManifest{"args_type", R"({"apps": [{"path": "/bin/true", "args": "one"}]})",
                    "$.apps[0].args"},
        BadManifest{"memory_type",
                    R"({"apps": [{"path": "/bin/true"}, {"path": "/bin/true", "memory": true}]})",
                    "$.apps[1].memory"},
        BadManifest{"unknown_app_key", R"({"apps": [{"path": "/bin/true", "memroy": "32M"}]})",
                    "$.apps[0].memroy"},
        BadManifest{"unknown_top_key", R"({"apps": [{"path": "/bin/true"}], "tick": 5})", "$.tick"},
        BadManifest{"missing_path", R"({"apps": [{"name": "x"}]})", "$.apps[0].path"},
        BadManifest{
            "duplicate_names",
            R"({"apps": [{"name": "x", "path": "/bin/true"}, {"name": "x", "path": "/bin/true"}]})",
            "$.apps[1].name"},
        BadManifest{"env_type", R"({"apps": [{"path": "/bin/true", "env": {"K": 1}}]})",
                    "$.apps[0].env.K"},
        BadManifest{"not_an_object", "[]", "$"}, BadManifest{"no_apps", "{}", "$.apps"},
        BadManifest{"bad_json", "{\"apps\": [", "line"}),
    [](const auto& info) { return std::string(info.param.label); });

}  // namespace
